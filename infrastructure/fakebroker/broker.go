// Package fakebroker is a domain.IdentityProvider for local development
// and tests: configured users log in with a password on a form our web
// layer serves, and it issues ES256-signed ID tokens, verified the same
// way as a real provider's.
package fakebroker

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/url"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"

	"github.com/sessionauth/sessionauth/domain"
)

var _ domain.IdentityProvider = (*Broker)(nil)

// User is an account of the fake broker. User.Sub defaults to Username.
type User struct {
	Username string
	Password string
	domain.User
}

// Config configures a fake broker. Zero values get defaults.
type Config struct {
	Broker string
	Users  []User
	// LoginPath is where AuthCodeURL sends the browser: the login form of
	// our web layer. Default "/auth/fake/{broker}/login".
	LoginPath string
	// RedirectURL is our callback; default "/auth/callback/{broker}".
	RedirectURL string
	// TokenLifetime of access and ID tokens; default one hour.
	TokenLifetime time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// codeLifetime bounds the time between login form and callback.
const codeLifetime = time.Minute

// Broker is the fake identity provider.
type Broker struct {
	cfg      Config
	issuer   string
	key      *ecdsa.PrivateKey
	verifier *oidc.IDTokenVerifier

	mu      sync.Mutex
	codes   map[string]grant
	refresh map[string]grant
	access  map[string]grant
}

// grant is what a code or refresh token stands for.
type grant struct {
	user      User
	nonce     string
	challenge string
	expires   time.Time
	// authTime is when the user logged in at the form.
	authTime time.Time
	// acr is the first of the login's acr_values: the form meets any.
	acr string
}

// New returns a fake broker with a fresh signing key.
func New(cfg Config) (*Broker, error) {
	if cfg.Broker == "" {
		return nil, errors.New("fake broker: the broker name is empty")
	}
	if cfg.LoginPath == "" {
		cfg.LoginPath = "/auth/fake/" + cfg.Broker + "/login"
	}
	if cfg.RedirectURL == "" {
		cfg.RedirectURL = "/auth/callback/" + cfg.Broker
	}
	if cfg.TokenLifetime <= 0 {
		cfg.TokenLifetime = time.Hour
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("fake broker %q: key: %w", cfg.Broker, err)
	}
	b := &Broker{cfg: cfg, issuer: "urn:sessionauth:fake:" + cfg.Broker, key: key,
		codes: map[string]grant{}, refresh: map[string]grant{}, access: map[string]grant{}}
	b.verifier = oidc.NewVerifier(b.issuer, &oidc.StaticKeySet{PublicKeys: []crypto.PublicKey{&key.PublicKey}},
		&oidc.Config{ClientID: cfg.Broker, SupportedSigningAlgs: []string{oidc.ES256}, Now: cfg.Now})
	return b, nil
}

// Broker returns the configured name.
func (b *Broker) Broker() string { return b.cfg.Broker }

// LoginPath is the path of the login form AuthCodeURL sends the browser to.
func (b *Broker) LoginPath() string { return b.cfg.LoginPath }

// Issuer is the iss of the tokens and callbacks of this broker.
func (b *Broker) Issuer() string { return b.issuer }

// AuthCodeURL returns LoginPath with state, nonce, the S256 challenge and
// req.Params in its query; the login form passes that query to Authorize.
func (b *Broker) AuthCodeURL(_ context.Context, req domain.AuthCodeRequest) (string, error) {
	q := url.Values{}
	for k, v := range req.Params {
		q[k] = append([]string(nil), v...)
	}
	q.Set("state", req.State)
	q.Set("nonce", req.Nonce)
	q.Set("code_challenge", challenge(req.PKCEVerifier))
	q.Set("code_challenge_method", "S256")
	return b.cfg.LoginPath + "?" + q.Encode(), nil
}

// CheckIssuer requires the iss this broker sends with every callback.
func (b *Broker) CheckIssuer(_ context.Context, iss string) error {
	if iss != b.issuer {
		return fmt.Errorf("fake broker %q: callback: %w: got %q", b.cfg.Broker, domain.ErrIssuerMismatch, iss)
	}
	return nil
}

// EndSessionURL reports false: the fake broker keeps no login session.
func (b *Broker) EndSessionURL(context.Context, string, string) (string, bool) { return "", false }

// Status is always alive.
func (b *Broker) Status() (bool, string) {
	return true, fmt.Sprintf("fake broker %q with %d users", b.cfg.Broker, len(b.cfg.Users))
}

// user returns the configured user with that name and password.
func (b *Broker) user(username, password string) (User, bool) {
	for _, u := range b.cfg.Users {
		nameOK := subtle.ConstantTimeCompare([]byte(u.Username), []byte(username)) == 1
		passOK := subtle.ConstantTimeCompare([]byte(u.Password), []byte(password)) == 1
		if nameOK && passOK {
			if u.Sub == "" {
				u.Sub = u.Username
			}
			return u, true
		}
	}
	return User{}, false
}

// DemoCredentials returns the configured usernames and passwords, for the
// login form to show: this broker is for development, its accounts are no
// secret.
func (b *Broker) DemoCredentials() (usernames, passwords []string) {
	for _, u := range b.cfg.Users {
		usernames = append(usernames, u.Username)
		passwords = append(passwords, u.Password)
	}
	return usernames, passwords
}
