package oidcbroker

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	"golang.org/x/oauth2"
)

// The ways the client authenticates at the token endpoint (and at the
// pushed authorization request and revocation endpoints), as OpenID Connect Core 1.0,
// section 9, names them.
const (
	// ClientSecretBasic sends client ID and secret in an HTTP Basic
	// Authorization header.
	ClientSecretBasic = "client_secret_basic"
	// ClientSecretPost sends them as client_id and client_secret in the
	// request body.
	ClientSecretPost = "client_secret_post"
	// ClientSecretJWT sends a JWT assertion signed with the client secret
	// (HS256).
	ClientSecretJWT = "client_secret_jwt"
	// PrivateKeyJWT sends a JWT assertion signed with the client's private
	// key (RFC 7523): RS256, ES256/384/512 or EdDSA, from the key's type.
	PrivateKeyJWT = "private_key_jwt"
)

// AuthMethods are the supported values of Config.TokenEndpointAuthMethod.
var AuthMethods = []string{ClientSecretBasic, ClientSecretPost, ClientSecretJWT, PrivateKeyJWT}

// The values of Config.AssertionAudience.
const (
	// AudienceTokenEndpoint puts the token endpoint URL in a client
	// assertion's aud, as RFC 7523 suggests and Entra ID and Okta expect.
	AudienceTokenEndpoint = "tokenEndpoint"
	// AudienceIssuer puts the provider's issuer URL in aud, as ZITADEL
	// expects and Keycloak accepts too.
	AudienceIssuer = "issuer"
)

// assertionType is the client_assertion_type of RFC 7523, section 2.2.
const assertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

// AssertionLifetime is how long a client assertion is valid: a new one,
// with a new jti, is made for every request.
const AssertionLifetime = time.Minute

// clientAuth authenticates the client at the provider's endpoints.
type clientAuth struct {
	method, clientID, secret string
	audience                 string // the aud of assertions
	signer                   jose.Signer
	now                      func() time.Time
}

// newClientAuth returns the client authentication of cfg, with assertions
// for audience; cfg is valid.
func newClientAuth(cfg Config, audience string) (*clientAuth, error) {
	a := &clientAuth{method: cfg.authMethod(), clientID: cfg.ClientID, secret: cfg.ClientSecret, audience: audience, now: cfg.now}
	var err error
	switch a.method {
	case PrivateKeyJWT:
		var key *signingKey
		if key, err = parsePrivateKey(cfg.PrivateKey, cfg.PrivateKeyID); err == nil {
			a.signer, err = key.signer()
		}
	case ClientSecretJWT:
		a.signer, err = jose.NewSigner(jose.SigningKey{Algorithm: jose.HS256, Key: []byte(cfg.ClientSecret)},
			(&jose.SignerOptions{}).WithType("JWT"))
	}
	if err != nil {
		return nil, fmt.Errorf("oidc broker %q: %w: %s: %v", cfg.Broker, errConfig, cfg.authMethod(), err)
	}
	return a, nil
}

// authStyle is how golang.org/x/oauth2 sends the client's credentials: in
// the header for client_secret_basic, in the body for the others (the
// assertion methods send client_id alone there, and the assertion is
// added by the transport). Without a configured method, oauth2 tries the
// header first and the body after a refusal, as before the setting existed.
func (c Config) authStyle() oauth2.AuthStyle {
	switch c.TokenEndpointAuthMethod {
	case "":
		return oauth2.AuthStyleAutoDetect
	case ClientSecretBasic:
		return oauth2.AuthStyleInHeader
	}
	return oauth2.AuthStyleInParams
}

// oauthSecret is the secret oauth2 sends itself: none with an assertion.
func (c Config) oauthSecret() string {
	if c.assertion() {
		return ""
	}
	return c.ClientSecret
}

func (c Config) authMethod() string {
	if c.TokenEndpointAuthMethod == "" {
		return ClientSecretBasic
	}
	return c.TokenEndpointAuthMethod
}

func (c Config) assertion() bool {
	return c.TokenEndpointAuthMethod == ClientSecretJWT || c.TokenEndpointAuthMethod == PrivateKeyJWT
}

// apply adds the client's authentication to a request of form to one of
// the provider's endpoints: the Authorization header or the body's
// client_id with client_secret or client_assertion.
func (a *clientAuth) apply(form url.Values, header http.Header) error {
	switch a.method {
	case ClientSecretBasic:
		header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString(
			[]byte(url.QueryEscape(a.clientID)+":"+url.QueryEscape(a.secret))))
		return nil
	case ClientSecretPost:
		form.Set("client_id", a.clientID)
		form.Set("client_secret", a.secret)
		return nil
	}
	assertion, err := a.assertion()
	if err != nil {
		return err
	}
	form.Set("client_id", a.clientID)
	form.Set("client_assertion_type", assertionType)
	form.Set("client_assertion", assertion)
	return nil
}

// assertion returns a new client assertion (RFC 7523, section 3): the
// client as iss and sub, the audience, a random jti, iat now and exp
// AssertionLifetime later; no nbf, which a provider whose clock runs
// behind could find in the future.
func (a *clientAuth) assertion() (string, error) {
	jti := make([]byte, 16)
	if _, err := rand.Read(jti); err != nil {
		return "", err
	}
	now := a.now()
	claims := jwt.Claims{
		Issuer: a.clientID, Subject: a.clientID, Audience: jwt.Audience{a.audience},
		ID: base64.RawURLEncoding.EncodeToString(jti), IssuedAt: jwt.NewNumericDate(now),
		Expiry: jwt.NewNumericDate(now.Add(AssertionLifetime)),
	}
	token, err := jwt.Signed(a.signer).Claims(claims).Serialize()
	if err != nil {
		return "", fmt.Errorf("client assertion: %w", err)
	}
	return token, nil
}
