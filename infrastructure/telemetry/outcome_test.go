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

// TestStepUpOutcomes: a refused step-up counts as refused, a bad login
// request does not.
func TestStepUpOutcomes(t *testing.T) {
	for _, tc := range []struct {
		err     error
		name    string
		refused bool
	}{
		{fmt.Errorf("callback: %w", domain.ErrInsufficientAuthentication), "insufficient_authentication", true},
		{fmt.Errorf("login: %w", domain.ErrInvalidLoginRequest), "invalid_login_request", false},
	} {
		if name, refused := authOutcome(tc.err); name != tc.name || refused != tc.refused {
			t.Errorf("authOutcome(%v) = %q, %v; want %q, %v", tc.err, name, refused, tc.name, tc.refused)
		}
	}
}
