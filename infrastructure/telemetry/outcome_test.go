package telemetry

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/sessionauth/sessionauth/domain"
)

// TestOutcomesListEverySessionOutcome: the metric attributes made ahead
// of time cover every word sessionOutcome answers with.
func TestOutcomesListEverySessionOutcome(t *testing.T) {
	for _, err := range []error{nil, domain.ErrSessionNotFound, domain.ErrSessionTooLarge, domain.ErrValueNotEncodable,
		context.DeadlineExceeded, context.Canceled, errors.New("down"), fmt.Errorf("wrapped: %w", domain.ErrSessionNotFound)} {
		if outcome := sessionOutcome(err); !slices.Contains(outcomes, outcome) {
			t.Errorf("sessionOutcome(%v) = %q, which outcomes does not list", err, outcome)
		}
	}
}
