package domain

import (
	"context"
	"errors"
	"time"
)

// LogoutTokenVerifier is an optional power of an IdentityProvider: it
// verifies the logout tokens of OpenID Connect Back-Channel Logout 1.0,
// which the provider POSTs to end sessions it ended itself. Callers find
// it with a type assertion.
type LogoutTokenVerifier interface {
	// VerifyLogoutToken verifies a logout token: signature by an asymmetric
	// key of the provider, issuer, audience, expiry, an issue time not in
	// the future, the back-channel logout event, no nonce, a jti, and a sub
	// or sid or both. A token that fails yields an error wrapping
	// ErrInvalidLogoutToken and saying why; ErrProviderUnavailable means
	// the provider's keys could not be fetched. It does not check replay:
	// the caller remembers the jti.
	VerifyLogoutToken(ctx context.Context, raw string) (*LogoutToken, error)
}

// LogoutToken is a verified back-channel logout token.
type LogoutToken struct {
	Subject   string    // sub; may be empty when SessionID is not
	SessionID string    // sid; may be empty when Subject is not
	TokenID   string    // jti, for replay detection
	Expiry    time.Time // exp: a replay must be refused until then
}

// ErrInvalidLogoutToken means a back-channel logout token failed
// verification or was used before.
var ErrInvalidLogoutToken = errors.New("invalid logout token")
