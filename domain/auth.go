package domain

import (
	"context"
	"encoding/gob"
	"errors"
	"fmt"
	"net/url"
	"time"
)

// IdentityProvider is one configured login broker: an OpenID Connect
// provider or the fake broker for development. It speaks the authorization
// code flow with PKCE and nonce; the caller (the AuthManager) generates and
// keeps state, nonce and PKCE verifier. Implementations are safe for
// concurrent use.
type IdentityProvider interface {
	// Broker returns the configured name of this broker, the one used in
	// URLs and configuration.
	Broker() string

	// AuthCodeURL returns the URL to send the browser to for login. It
	// carries req.State, req.Nonce, the S256 challenge of req.PKCEVerifier
	// and req.Params. An error means the provider could not be reached or
	// configured (discovery failed); the caller may try again later.
	AuthCodeURL(ctx context.Context, req AuthCodeRequest) (string, error)

	// CheckIssuer checks the RFC 9207 "iss" parameter of an authorization
	// response. An empty iss passes unless the provider announced that it
	// always sends one; a different issuer yields ErrIssuerMismatch.
	CheckIssuer(ctx context.Context, iss string) error

	// Exchange redeems an authorization code with its PKCE verifier and
	// verifies the ID token: signature by an asymmetric key of the
	// provider, issuer, audience, authorized party, expiry, a subject, an
	// issue time not in the future, and that its nonce equals nonce. A token that fails verification yields
	// ErrInvalidIDToken or ErrNonceMismatch; a code the provider refuses
	// yields a *ProviderError; other errors are transient.
	Exchange(ctx context.Context, code, pkceVerifier, nonce string) (*Identity, error)

	// Refresh uses identity's refresh token to get fresh tokens and returns
	// the renewed identity; identity itself is not modified. A refresh
	// token the provider refused for good (invalid_grant), or none at all,
	// yields an error wrapping ErrRefreshRejected: the user must log in
	// again. Any other error is transient and the identity stays usable.
	Refresh(ctx context.Context, identity *Identity) (*Identity, error)

	// EndSessionURL returns the provider's RP-initiated logout URL with the
	// ID token hint and post-logout redirect, and false when the provider
	// has none or it is disabled.
	EndSessionURL(ctx context.Context, idTokenHint, postLogoutRedirect string) (string, bool)

	// Status reports whether the provider can serve logins now, for health
	// checks: alive is false while its discovery document cannot be
	// fetched.
	Status() (alive bool, details string)
}

// AuthCodeRequest is what an authorization URL is built from.
type AuthCodeRequest struct {
	State        string
	Nonce        string
	PKCEVerifier string
	// Params are extra query parameters (prompt, login_hint, acr_values...).
	Params url.Values
}

// Identity is a logged-in user as one broker knows them: the verified ID
// token, the OAuth2 tokens and the user mapped from the claims. It is what
// the session stores (encoding/gob), so every field is exported.
type Identity struct {
	Broker  string
	Subject string

	AccessToken  string
	TokenType    string
	RefreshToken string
	// Expiry is when AccessToken expires; zero when the provider did not say.
	Expiry time.Time

	IDToken IDToken
	User    User

	// AuthTime is when the user last authenticated at the provider (the
	// ID token's auth_time at login); zero when the provider did not say.
	// A refresh keeps it: a refreshed token is no new authentication.
	AuthTime time.Time
	// ACR is the authentication context class of the login (the ID
	// token's acr claim at login), "" when the provider did not say.
	ACR string
}

// ProviderError is an OAuth2 error reported by the provider, on the
// callback (error=access_denied) or by its token endpoint. It matches
// ErrProviderError with errors.Is.
type ProviderError struct {
	Code        string
	Description string
	URI         string
}

func (e *ProviderError) Error() string {
	if e.Description == "" {
		return fmt.Sprintf("identity provider error %q", e.Code)
	}
	return fmt.Sprintf("identity provider error %q: %s", e.Code, e.Description)
}

// Is makes errors.Is(err, ErrProviderError) true.
func (e *ProviderError) Is(target error) bool { return target == ErrProviderError }

var (
	// ErrProviderError matches every *ProviderError.
	ErrProviderError = errors.New("identity provider error")

	// ErrRefreshRejected means the provider refused the refresh token for
	// good (invalid_grant), or there is none: the user must log in again.
	ErrRefreshRejected = errors.New("refresh token rejected")

	// ErrNotLoggedIn means the session holds no identity.
	ErrNotLoggedIn = errors.New("not logged in")

	// ErrUnknownBroker means no broker of that name is configured.
	ErrUnknownBroker = errors.New("unknown broker")

	// ErrCrossOrigin means a browser sent a request that changes the
	// session (logout, a login form, ending sessions) from a page of
	// another origin: refused, since another site must not act for the
	// user.
	ErrCrossOrigin = errors.New("cross-origin request refused")

	// ErrInvalidLoginRequest means a login start asked for something
	// that is not allowed: a prompt other than login or none, a max_age or
	// acr_values out of bounds.
	ErrInvalidLoginRequest = errors.New("invalid login request")

	// ErrInvalidState means the callback's state is unknown, was used
	// already or expired: a replay, a forgery or a login left too long.
	ErrInvalidState = errors.New("invalid or expired login state")

	// ErrIssuerMismatch means an authorization response or token came from
	// another issuer than the configured one (RFC 9207 mix-up defence).
	ErrIssuerMismatch = errors.New("issuer mismatch")

	// ErrNonceMismatch means the ID token's nonce is not the login's.
	ErrNonceMismatch = errors.New("ID token nonce mismatch")

	// ErrInvalidIDToken means the ID token failed verification: signature,
	// algorithm, issuer, audience, authorized party, expiry, subject or
	// issue time.
	ErrInvalidIDToken = errors.New("invalid ID token")

	// ErrProviderUnavailable means the provider's discovery document could
	// not be fetched; the next call tries again.
	ErrProviderUnavailable = errors.New("identity provider unavailable")

	// ErrInvalidCredentials is returned by brokers that check passwords
	// themselves (the fake broker) for a wrong username or password.
	ErrInvalidCredentials = errors.New("invalid username or password")

	// ErrInvalidCode means an authorization code is unknown, used or
	// expired (the fake broker's counterpart to the provider's
	// invalid_grant).
	ErrInvalidCode = errors.New("invalid authorization code")
)

func init() {
	gob.Register(Identity{})
	gob.Register(User{})
	gob.Register(IDToken{})
}
