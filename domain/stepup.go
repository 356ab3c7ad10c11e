package domain

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// AuthTimeLeeway is how far the provider's clock may differ from ours when
// an authentication's age is checked against AuthRequirement.MaxAge.
const AuthTimeLeeway = 30 * time.Second

// ErrInsufficientAuthentication means a login is not recent or not strong
// enough for what was asked of it: its auth_time is older than the maximum
// age (or missing), or its acr is not one of the required values.
var ErrInsufficientAuthentication = errors.New("authentication not recent or strong enough")

// AuthRequirement is what a page asks of a login beyond its existence: an
// authentication at the provider that is recent enough, strong enough, or
// both. The zero value asks nothing.
type AuthRequirement struct {
	// MaxAge, when positive, is how long ago the user may have
	// authenticated at the provider (auth_time); sent as max_age.
	MaxAge time.Duration
	// ACRValues, when not empty, are the authentication context classes
	// that satisfy, any one of them; sent as acr_values, and the login's
	// acr must be one of them.
	ACRValues []string
}

// IsZero reports whether q asks nothing.
func (q AuthRequirement) IsZero() bool {
	return q.MaxAge <= 0 && len(q.ACRValues) == 0
}

// Check reports whether id satisfies q at now: nil, or an error wrapping
// ErrInsufficientAuthentication that says what is missing. An identity
// without auth_time satisfies no maximum age; one without acr no required
// context.
func (q AuthRequirement) Check(id *Identity, now time.Time) error {
	if q.MaxAge > 0 {
		if id.AuthTime.IsZero() {
			return fmt.Errorf("%w: the login has no auth_time, and a maximum age of %s is required", ErrInsufficientAuthentication, q.MaxAge)
		}
		if age := now.Sub(id.AuthTime); age > q.MaxAge+AuthTimeLeeway {
			return fmt.Errorf("%w: authenticated %s ago, at most %s allowed", ErrInsufficientAuthentication, age.Round(time.Second), q.MaxAge)
		}
	}
	if len(q.ACRValues) > 0 && !slices.Contains(q.ACRValues, id.ACR) {
		return fmt.Errorf("%w: acr %q is not one of %q", ErrInsufficientAuthentication, id.ACR, q.ACRValues)
	}
	return nil
}

// Params returns the authorization request parameters that ask the
// provider for q: max_age in whole seconds (rounded up) and acr_values,
// space-separated.
func (q AuthRequirement) Params() url.Values {
	v := url.Values{}
	if q.MaxAge > 0 {
		v.Set("max_age", strconv.FormatInt(int64((q.MaxAge+time.Second-1)/time.Second), 10))
	}
	if len(q.ACRValues) > 0 {
		v.Set("acr_values", strings.Join(q.ACRValues, " "))
	}
	return v
}
