// Package oidctest runs a real OpenID provider (zitadel's op package with
// its example storage) in process on a loopback httptest server, for
// integration tests: a registered web client with PKCE, users with
// passwords, configurable access token lifetime, refresh token rotation,
// private_key_jwt clients, end_session, and a login helper that fills the provider's login form.
package oidctest

import (
	"crypto/sha256"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/zitadel/oidc/v3/example/server/storage"
	"github.com/zitadel/oidc/v3/pkg/op"
	"golang.org/x/text/language"
)

// User is an account on the test provider.
type User struct {
	ID, Username, Password string
	FirstName, LastName    string
	Email                  string
}

// Options configure a test provider. Zero values get defaults.
type Options struct {
	ClientID     string // default "sessionauth"
	ClientSecret string // default "secret"
	// RedirectURI is the client's registered callback; default
	// "http://app.test/auth/callback/oidc".
	RedirectURI string
	// PostLogoutRedirectURIs are accepted by end_session; default
	// "http://app.test/".
	PostLogoutRedirectURIs []string
	// Users default to DefaultUser.
	Users []User
	// AccessTokenLifetime is what the token endpoint announces in
	// expires_in; default 5 minutes.
	AccessTokenLifetime time.Duration
	// RefreshedTokenLifetime, when set, is the lifetime of access tokens
	// issued by refresh_token grants instead of AccessTokenLifetime, so a
	// test can let the first token run out and keep the refreshed one
	// valid however slow the machine is.
	RefreshedTokenLifetime time.Duration
	// ClaimsInIDToken puts the claims of the scopes profile and email
	// (name, given_name, family_name, email, ...) into the ID token as
	// well, as Keycloak, Auth0 and Google do; by default they are at the
	// userinfo endpoint only, as zitadel issues them.
	ClaimsInIDToken bool
	// ClientKey, when set, registers the client for private_key_jwt with
	// this public key (its KeyID is the kid assertions must name): the
	// token and revocation endpoints then accept only client assertions
	// signed with it, with the issuer as audience.
	ClientKey *jose.JSONWebKey
	// ACR, when set, chooses the acr claim of the ID token from the
	// acr_values its authorization request asked for; zitadel's example
	// storage issues none. A test makes a provider that honours the
	// request (the first value) or one that ignores it.
	ACR func(requested []string) string
	// AuthTime, when set, changes the auth_time of ID tokens from when the
	// user logged in at the form, as a provider that ignores max_age and
	// reports an old authentication would.
	AuthTime func(loggedIn time.Time) time.Time
}

// DefaultUser is the account a provider has when Options.Users is empty.
var DefaultUser = User{
	ID: "user-1", Username: "alice", Password: "correct horse",
	FirstName: "Alice", LastName: "Liddell", Email: "alice@example.test",
}

// Provider is a running test OpenID provider.
type Provider struct {
	Server       *httptest.Server
	Issuer       string
	ClientID     string
	ClientSecret string
	RedirectURI  string
	Users        []User

	op        *op.Provider
	storage   *tokenStorage
	refreshes atomic.Int64
	exchanges atomic.Int64
	userinfos atomic.Int64
	revoked   atomic.Int64
}

// Start runs a provider until the test ends.
func Start(t testing.TB, opts Options) *Provider {
	t.Helper()
	opts = withDefaults(opts)
	srv := httptest.NewUnstartedServer(nil)
	p := &Provider{
		Server: srv, Issuer: "http://" + srv.Listener.Addr().String(),
		ClientID: opts.ClientID, ClientSecret: opts.ClientSecret, RedirectURI: opts.RedirectURI, Users: opts.Users,
	}
	client := storage.WebClient(opts.ClientID, opts.ClientSecret, opts.RedirectURI)
	p.storage = &tokenStorage{
		Storage:    storage.NewStorageWithClients(newUserStore(opts.Users), map[string]*storage.Client{opts.ClientID: client}),
		lifetime:   opts.AccessTokenLifetime,
		refreshed:  opts.RefreshedTokenLifetime,
		postLogout: opts.PostLogoutRedirectURIs,
		claimsInID: opts.ClaimsInIDToken,
		clientKey:  opts.ClientKey,
		auths:      authentications{acr: opts.ACR, authTime: opts.AuthTime},
	}
	provider, err := op.NewProvider(opConfig(), p.storage, op.StaticIssuer(p.Issuer), op.WithAllowInsecure())
	if err != nil {
		t.Fatalf("oidctest: start provider: %v", err)
	}
	p.op = provider
	srv.Config.Handler = p.routes()
	srv.Start()
	t.Cleanup(srv.Close)
	return p
}

func withDefaults(o Options) Options {
	if o.ClientID == "" {
		o.ClientID = "sessionauth"
	}
	if o.ClientSecret == "" {
		o.ClientSecret = "secret"
	}
	if o.RedirectURI == "" {
		o.RedirectURI = "http://app.test/auth/callback/oidc"
	}
	if o.PostLogoutRedirectURIs == nil {
		o.PostLogoutRedirectURIs = []string{"http://app.test/"}
	}
	if len(o.Users) == 0 {
		o.Users = []User{DefaultUser}
	}
	return o
}

func opConfig() *op.Config {
	return &op.Config{
		CryptoKey:                sha256.Sum256([]byte("oidctest")),
		DefaultLogoutRedirectURI: "/logged-out",
		CodeMethodS256:           true,
		AuthMethodPost:           true,
		GrantTypeRefreshToken:    true,
		AuthMethodPrivateKeyJWT:  true,
		SupportedUILocales:       []language.Tag{language.English},
	}
}

// routes serves the login form, a logged-out page and the provider,
// counting token, userinfo and revocation requests on the way.
func (p *Provider) routes() http.Handler {
	mux := http.NewServeMux()
	login := op.NewIssuerInterceptor(p.op.IssuerFromRequest)
	mux.Handle("/login/username", login.HandlerFunc(p.loginForm))
	mux.HandleFunc("/logged-out", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte("signed out"))
	})
	mux.Handle("/", p.countTokenRequests(p.op))
	return mux
}

func (p *Provider) countTokenRequests(next http.Handler) http.Handler {
	token, userinfo := p.op.TokenEndpoint().Relative(), p.op.UserinfoEndpoint().Relative()
	revocation := p.op.RevocationEndpoint().Relative()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && r.URL.Path == revocation {
			sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
			next.ServeHTTP(sw, r)
			if sw.status == http.StatusOK {
				p.revoked.Add(1)
			}
			return
		}
		if r.URL.Path == userinfo {
			p.userinfos.Add(1)
		}
		if r.Method == http.MethodPost && r.URL.Path == token && r.ParseForm() == nil {
			switch r.PostForm.Get("grant_type") {
			case "refresh_token":
				p.refreshes.Add(1)
			case "authorization_code":
				p.exchanges.Add(1)
			}
		}
		next.ServeHTTP(w, r)
	})
}

// RefreshCount is the number of refresh_token grants the token endpoint
// received.
func (p *Provider) RefreshCount() int64 { return p.refreshes.Load() }

// ExchangeCount is the number of authorization_code grants the token
// endpoint received.
func (p *Provider) ExchangeCount() int64 { return p.exchanges.Load() }

// UserInfoCount is the number of requests the userinfo endpoint received.
func (p *Provider) UserInfoCount() int64 { return p.userinfos.Load() }

// RevocationCount is the number of revocation requests (RFC 7009) the
// provider accepted: authenticated as its client, answered 200.
func (p *Provider) RevocationCount() int64 { return p.revoked.Load() }

// statusWriter remembers the status of a response.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(status int) {
	w.status = status
	w.ResponseWriter.WriteHeader(status)
}
