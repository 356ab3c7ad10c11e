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

// FrontChannelLogouter is an optional power of an IdentityProvider: the
// provider may end sessions through OpenID Connect Front-Channel Logout
// 1.0, loading the relying party's front-channel logout URL in an iframe
// of its own logout page. Callers find it with a type assertion.
type FrontChannelLogouter interface {
	// FrontChannel returns how front-channel logout requests of this
	// provider are checked; ErrFrontChannelDisabled when the broker is not
	// configured for them, ErrProviderUnavailable when the provider's
	// discovery document cannot be fetched.
	FrontChannel(ctx context.Context) (FrontChannel, error)
}

// FrontChannel is what front-channel logout requests of a provider are
// checked against.
type FrontChannel struct {
	// Issuer is the provider's issuer: the iss parameter must equal it,
	// and, without FrameAncestors, its origin alone may frame the logout
	// response.
	Issuer string
	// SessionRequired means the provider sends iss and sid with every
	// request (its discovery announces frontchannel_logout_session_supported):
	// a request without them ends nothing.
	SessionRequired bool
	// FrameAncestors are the origins (scheme://host[:port]) that may frame
	// the logout response, for a provider whose logout page is not on its
	// issuer's origin; empty means the issuer's origin alone.
	FrameAncestors []string
}

// ErrFrontChannelDisabled means a front-channel logout request arrived
// for a broker that is not configured for front-channel logout.
var ErrFrontChannelDisabled = errors.New("front-channel logout is not enabled for this broker")

// ErrInvalidFrontChannelRequest means a front-channel logout request lacks
// the iss or sid the provider always sends.
var ErrInvalidFrontChannelRequest = errors.New("invalid front-channel logout request")

// EndSessionRequester is an optional power of an IdentityProvider: it
// builds RP-initiated logout URLs with a state and a choice of return URL
// that it checks against the URLs registered with the provider. Callers
// find it with a type assertion and prefer it to EndSessionURL.
type EndSessionRequester interface {
	// EndSessionRequestURL returns the provider's end-session URL for req
	// and the return URL it chose, "" when it sends none. ok is false when
	// the provider has no end-session endpoint or it is disabled.
	EndSessionRequestURL(ctx context.Context, req EndSessionRequest) (u, returnURL string, ok bool)
}

// EndSessionRequest is what an RP-initiated logout URL is made from.
type EndSessionRequest struct {
	IDTokenHint string
	// StateReturnURL is the absolute URL of the application's logout
	// return, which checks State; it is sent when registered.
	StateReturnURL string
	// PostLogoutRedirect is the absolute URL to send otherwise, without a
	// state, when registered (or when no list of URLs is configured).
	PostLogoutRedirect string
	State              string
	// LogoutHint names the user to the provider (logout_hint), when set.
	LogoutHint string
}

// ErrInvalidLogoutState means the return from the provider's end-session
// endpoint carries no state, or not the one the logout sent.
var ErrInvalidLogoutState = errors.New("invalid or missing logout state")

// TokenRevoker is an optional power of an IdentityProvider: at a logout
// it revokes the tokens of the login at the provider (OAuth 2.0 Token
// Revocation, RFC 7009), so that a refresh token copied before the logout
// is of no use after it. Callers find it with a type assertion.
type TokenRevoker interface {
	// RevokeTokens revokes the refresh token and the access token of
	// identity when the broker is configured to and the provider has a
	// revocation endpoint, and does nothing otherwise. Its error never
	// holds a token, nor part of one; the logout goes on regardless.
	RevokeTokens(ctx context.Context, identity *Identity) error
}
