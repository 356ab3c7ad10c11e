// Package oidcbroker is the OpenID Connect domain.IdentityProvider, on
// go-oidc and golang.org/x/oauth2: authorization code flow with PKCE (S256)
// and nonce, lazy discovery, ID token verification with asymmetric
// algorithms only, refresh, RP-initiated logout and the revocation of a
// login's tokens at logout (RFC 7009); the client authenticates with its
// secret or a JWT assertion (client_secret_jwt, private_key_jwt) and may
// push its authorization requests (RFC 9126).
package oidcbroker

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/internal/redact"
)

// Config configures one OpenID Connect broker.
type Config struct {
	// Broker is the name of this broker in URLs and configuration.
	Broker string
	// Endpoint is the issuer URL; discovery reads
	// Endpoint + "/.well-known/openid-configuration".
	Endpoint     string
	ClientID     string
	ClientSecret string
	// RedirectURL is the absolute URL of our callback for this broker;
	// empty means the callback URL of each login's request, which the
	// AuthController puts in the context (domain.ContextWithCallbackURL).
	RedirectURL string
	// Scopes are requested in addition to "openid", which is always sent.
	Scopes []string
	// EnableOfflineToken adds the offline_access scope, which most
	// providers require before they issue a refresh token.
	EnableOfflineToken bool
	// Claims maps ID token and userinfo claims to User fields.
	Claims ClaimMapping
	// AuthCodeOptions, when set, adds options to every authorization URL.
	AuthCodeOptions func(ctx context.Context, req domain.AuthCodeRequest) []oauth2.AuthCodeOption
	// EnableEndSessionEndpoint makes EndSessionURL use the provider's
	// end_session_endpoint.
	EnableEndSessionEndpoint bool
	// PostLogoutRedirectURIs are the post-logout redirect URIs registered
	// with the provider. When set, an RP-initiated logout sends only one
	// of them: the application's logout return (which checks the state
	// sent along) when listed, else the post-logout redirect when listed,
	// else none. Empty: the post-logout redirect, unchecked and without a
	// state.
	PostLogoutRedirectURIs []string
	// FrontChannelLogout enables OpenID Connect Front-Channel Logout 1.0
	// (FrontChannel).
	FrontChannelLogout bool
	// FrontChannelLogoutOrigins are the origins whose pages may frame the
	// front-channel logout response (domain.FrontChannel.FrameAncestors),
	// each scheme://host[:port] with scheme http or https and nothing
	// after; empty means the origin of the provider's issuer.
	FrontChannelLogoutOrigins []string
	// ResponseMode is the response_mode of the authorization request:
	// "" or "query" (the default, not sent) or "form_post", where the
	// provider POSTs the code to the callback.
	ResponseMode string
	// HTTPClient talks to the provider; nil means http.DefaultClient.
	HTTPClient *http.Client
	// SigningAlgorithms restricts the accepted ID token algorithms further;
	// empty means every asymmetric algorithm (RS*, ES*, PS*, EdDSA).
	SigningAlgorithms []string
	// DiscoveryRetry is how long a failed discovery is remembered before
	// the next attempt; zero means 2 seconds.
	DiscoveryRetry time.Duration
	// Now is the clock for token expiry checks; nil means time.Now.
	Now func() time.Time
	// ClockSkew is how far in the future an ID token's issue time may
	// lie; zero means DefaultClockSkew.
	ClockSkew time.Duration
	// TokenEndpointAuthMethod is how the client authenticates at the token
	// endpoint, the pushed authorization request endpoint and the
	// revocation endpoint: one of
	// AuthMethods. Empty means client_secret_basic, with one more try in
	// the body (client_secret_post) when the provider refuses the header.
	TokenEndpointAuthMethod string
	// PrivateKey is the PEM or JWK private key of private_key_jwt.
	PrivateKey string
	// PrivateKeyID is the kid of the assertions of private_key_jwt; empty
	// means the JWK's kid, or none.
	PrivateKeyID string
	// AssertionAudience is the aud of client assertions: AudienceTokenEndpoint
	// (the default when empty) or AudienceIssuer.
	AssertionAudience string
	// UsePAR makes every login push its authorization request (RFC 9126);
	// the provider must announce pushed_authorization_request_endpoint.
	// A provider that requires pushed requests gets them without it.
	UsePAR bool
	// RevokeTokensAtLogout makes RevokeTokens revoke the refresh and
	// access tokens of a login at the provider's revocation_endpoint
	// (RFC 7009) when the user logs out.
	RevokeTokensAtLogout bool
}

// ClaimMapping maps claims to User fields. Keys are User fields: "sub",
// "name", "email", "firstname", "lastname", "groups"; any other key fills
// User.CustomFields under that key. Values are claim names.
type ClaimMapping struct {
	// IDToken maps claims of the ID token on top of DefaultIDTokenMapping:
	// a field it names takes the claim it gives (an empty claim name: none),
	// the other fields keep the default's claim.
	IDToken map[string]string
	// UserInfo maps claims of the userinfo response, which is fetched only
	// when this mapping is not empty. They win over ID token claims.
	UserInfo map[string]string
}

// DefaultIDTokenMapping maps the ID token's standard claims (OpenID Connect
// Core 1.0, section 5.1) to User: sub, name, email, given_name as
// firstname and family_name as lastname. ClaimMapping.IDToken changes it
// field by field.
var DefaultIDTokenMapping = map[string]string{
	"sub": "sub", "name": "name", "email": "email", "firstname": "given_name", "lastname": "family_name",
}

// asymmetric lists the signing algorithms an ID token may use.
var asymmetric = []string{
	"RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "PS256", "PS384", "PS512", "EdDSA",
}

// ResponseModes are the values Config.ResponseMode accepts.
var ResponseModes = []string{"", "query", "form_post"}

var errConfig = errors.New("invalid configuration")

func (c Config) validate() error {
	for key, v := range map[string]string{"broker": c.Broker, "endpoint": c.Endpoint, "clientID": c.ClientID} {
		if v == "" {
			return fmt.Errorf("oidc broker %q: %w: %s is empty", c.Broker, errConfig, key)
		}
	}
	for _, raw := range []string{c.Endpoint, c.RedirectURL} {
		if u, err := url.Parse(raw); raw != "" && (err != nil || !u.IsAbs()) {
			return fmt.Errorf("oidc broker %q: %w: %q is not an absolute URL", c.Broker, errConfig, redact.URL(raw))
		}
	}
	for _, raw := range c.PostLogoutRedirectURIs {
		if u, err := url.Parse(raw); err != nil || !u.IsAbs() {
			return fmt.Errorf("oidc broker %q: %w: post-logout redirect URI %q is not an absolute URL", c.Broker, errConfig, redact.URL(raw))
		}
	}
	for _, raw := range c.FrontChannelLogoutOrigins {
		if err := CheckOrigin(raw); err != nil {
			return fmt.Errorf("oidc broker %q: %w: front-channel logout origin %q %v", c.Broker, errConfig, raw, err)
		}
	}
	if !slices.Contains(ResponseModes, c.ResponseMode) {
		return fmt.Errorf("oidc broker %q: %w: response mode %q is not one of query, form_post", c.Broker, errConfig, c.ResponseMode)
	}
	if err := c.validateClientAuth(); err != nil {
		return err
	}
	for _, alg := range c.SigningAlgorithms {
		if !slices.Contains(asymmetric, alg) {
			return fmt.Errorf("oidc broker %q: %w: signing algorithm %q is not asymmetric", c.Broker, errConfig, alg)
		}
	}
	return nil
}

// validateClientAuth checks the method of client authentication and what
// it needs: a private key that signs, or a secret long enough for HS256.
func (c Config) validateClientAuth() error {
	if c.TokenEndpointAuthMethod != "" && !slices.Contains(AuthMethods, c.TokenEndpointAuthMethod) {
		return fmt.Errorf("oidc broker %q: %w: token endpoint auth method %q is not one of %v", c.Broker, errConfig, c.TokenEndpointAuthMethod, AuthMethods)
	}
	if c.AssertionAudience != "" && c.AssertionAudience != AudienceTokenEndpoint && c.AssertionAudience != AudienceIssuer {
		return fmt.Errorf("oidc broker %q: %w: assertion audience %q is neither %s nor %s", c.Broker, errConfig, c.AssertionAudience, AudienceTokenEndpoint, AudienceIssuer)
	}
	switch c.TokenEndpointAuthMethod {
	case PrivateKeyJWT:
		if _, err := parsePrivateKey(c.PrivateKey, c.PrivateKeyID); err != nil {
			return fmt.Errorf("oidc broker %q: %w: private key: %v", c.Broker, errConfig, err)
		}
	case ClientSecretJWT:
		if len(c.ClientSecret) < MinAssertionSecret {
			return fmt.Errorf("oidc broker %q: %w: client_secret_jwt needs a client secret of at least %d bytes (HS256), it has %d",
				c.Broker, errConfig, MinAssertionSecret, len(c.ClientSecret))
		}
	}
	return nil
}

// MinAssertionSecret is the shortest client secret client_secret_jwt
// signs with: HS256 needs a key as long as its hash (RFC 7518, 3.2).
const MinAssertionSecret = 32

// scopes returns the scopes to request: openid first, no duplicates.
func (c Config) scopes() []string {
	out := []string{"openid"}
	for _, s := range c.Scopes {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	if c.EnableOfflineToken && !slices.Contains(out, "offline_access") {
		out = append(out, "offline_access")
	}
	return out
}

func (c Config) algorithms() []string {
	if len(c.SigningAlgorithms) > 0 {
		return c.SigningAlgorithms
	}
	return asymmetric
}

func (c Config) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

func (c Config) clockSkew() time.Duration {
	if c.ClockSkew > 0 {
		return c.ClockSkew
	}
	return DefaultClockSkew
}

// Algorithms are the ID token signing algorithms a broker accepts when
// SigningAlgorithms does not restrict them: the asymmetric ones.
func Algorithms() []string {
	return slices.Clone(asymmetric)
}

// CheckOrigin tells why raw is not a web origin as a Content-Security-Policy
// source names one: http or https, a host (and port), no user, path,
// query or fragment; nil when it is.
func CheckOrigin(raw string) error {
	u, err := url.Parse(raw)
	switch {
	case err != nil || u.Host == "" || u.Scheme != "http" && u.Scheme != "https":
		return errors.New("is not an http or https origin such as https://login.example")
	case u.User != nil || u.Path != "" || u.RawQuery != "" || u.Fragment != "" || strings.HasSuffix(raw, "?") || strings.HasSuffix(raw, "#"):
		return fmt.Errorf("has more than scheme, host and port; write %s", u.Scheme+"://"+u.Host)
	case strings.ContainsFunc(u.Host, func(r rune) bool { return !originHostRune(r) }):
		return errors.New("has a host with characters no origin has")
	}
	return nil
}

// originHostRune tells whether r may appear in the host (and port) of an
// origin: letters and digits, '.', '-', ':' and the brackets of an IPv6
// address.
func originHostRune(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune(".-:[]", r)
}
