package application_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/sessionauth/sessionauth/application"
	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/infrastructure/oidcbroker"
	"github.com/sessionauth/sessionauth/internal/oidctest"
)

// realFixture is an AuthManager over an oidcbroker talking to zitadel's
// OpenID provider running in process.
type realFixture struct {
	p     *oidctest.Provider
	m     *application.AuthManager
	clock *clock
}

func newRealFixture(t *testing.T, po oidctest.Options, opts application.Options, cfg func(*oidcbroker.Config)) *realFixture {
	t.Helper()
	p := oidctest.Start(t, po)
	c := oidcbroker.Config{
		Broker: "oidc", Endpoint: p.Issuer, ClientID: p.ClientID, ClientSecret: p.ClientSecret, RedirectURL: p.RedirectURI,
		Scopes: []string{"profile", "email"}, EnableOfflineToken: true, EnableEndSessionEndpoint: true,
		Claims: oidcbroker.ClaimMapping{UserInfo: map[string]string{"email": "email", "name": "name", "firstname": "given_name"}},
	}
	if cfg != nil {
		cfg(&c)
	}
	b, err := oidcbroker.New(c)
	if err != nil {
		t.Fatal(err)
	}
	f := &realFixture{p: p, clock: &clock{now: time.Now()}}
	if opts.Clock == nil {
		opts.Clock = f.clock.Now
	}
	f.m = application.NewAuthManager(map[string]domain.IdentityProvider{"oidc": b}, opts)
	return f
}

// authorize starts a login and drives the provider's login form; it
// returns the query the provider sends back to our callback.
func (f *realFixture) authorize(t *testing.T, s *domain.Session, returnPath string) url.Values {
	t.Helper()
	authURL, err := f.m.LoginStart(context.Background(), s, "oidc", returnPath)
	if err != nil {
		t.Fatal(err)
	}
	return f.loginAt(t, authURL)
}

func (f *realFixture) loginAt(t *testing.T, authURL string) url.Values {
	t.Helper()
	back, err := f.p.Login(context.Background(), f.p.Browser(), authURL, oidctest.DefaultUser.Username, oidctest.DefaultUser.Password)
	if err != nil {
		t.Fatal(err)
	}
	if got := back.Scheme + "://" + back.Host + back.Path; got != f.p.RedirectURI {
		t.Fatalf("provider redirected to %s, want our callback", back)
	}
	return back.Query()
}

func (f *realFixture) login(t *testing.T) *domain.Session {
	t.Helper()
	s := storedSession()
	if _, err := f.m.Callback(context.Background(), s, "oidc", f.authorize(t, s, "/")); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestIntegrationFullLogin(t *testing.T) {
	f := newRealFixture(t, oidctest.Options{}, application.Options{}, nil)
	s := storedSession()
	oldID := s.ID()
	q := f.authorize(t, s, "/after/login?x=1")
	back, err := f.m.Callback(context.Background(), s, "oidc", q)
	if err != nil || back != "/after/login?x=1" {
		t.Fatalf("Callback = %q, %v", back, err)
	}
	u := (&application.UserService{}).GetUser(context.Background(), s)
	if u.Sub != oidctest.DefaultUser.ID || u.Email != oidctest.DefaultUser.Email || u.FirstName != "Alice" || u.Type != domain.UserTypeUser {
		t.Fatalf("user %+v", u)
	}
	tok, err := f.m.IDToken(context.Background(), s)
	if err != nil || tok.Issuer != f.p.Issuer || tok.Subject != u.Sub {
		t.Fatalf("IDToken = %+v, %v", tok, err)
	}
	c, err := s.Changes(0)
	if err != nil || c.PreviousID != oldID {
		t.Fatalf("session not regenerated or not storable: %+v, %v", c, err)
	}
	if _, err := f.m.Callback(context.Background(), s, "oidc", q); !errors.Is(err, domain.ErrInvalidState) {
		t.Fatalf("replayed callback: err = %v, want ErrInvalidState", err)
	}
}

func TestIntegrationTwoTabs(t *testing.T) {
	f := newRealFixture(t, oidctest.Options{}, application.Options{}, nil)
	s := storedSession()
	first := f.authorize(t, s, "/first")
	second := f.authorize(t, s, "/second")
	for _, tab := range []struct {
		q    url.Values
		want string
	}{{second, "/second"}, {first, "/first"}} {
		back, err := f.m.Callback(context.Background(), s, "oidc", tab.q)
		if err != nil || back != tab.want {
			t.Fatalf("Callback = %q, %v; want %q", back, err, tab.want)
		}
	}
}

func TestIntegrationCallbackRejects(t *testing.T) {
	tests := []struct {
		name   string
		tamper func(t *testing.T, f *realFixture, s *domain.Session, q url.Values) url.Values
		want   error
		code   string
	}{
		{name: "wrong state", want: domain.ErrInvalidState, tamper: func(_ *testing.T, _ *realFixture, _ *domain.Session, q url.Values) url.Values {
			q.Set("state", "forged")
			return q
		}},
		{name: "expired state", want: domain.ErrInvalidState, tamper: func(_ *testing.T, f *realFixture, _ *domain.Session, q url.Values) url.Values {
			f.clock.Advance(31 * time.Minute)
			return q
		}},
		{name: "issuer of another provider", want: domain.ErrIssuerMismatch, tamper: func(_ *testing.T, _ *realFixture, _ *domain.Session, q url.Values) url.Values {
			q.Set("iss", "https://evil.example")
			return q
		}},
		{name: "replayed code", want: domain.ErrProviderError, code: "invalid_grant", tamper: func(t *testing.T, f *realFixture, s *domain.Session, q url.Values) url.Values {
			if _, err := f.m.Callback(context.Background(), s, "oidc", q); err != nil {
				t.Fatal(err)
			}
			next := f.authorize(t, s, "/") // a fresh state, the used code
			next.Set("code", q.Get("code"))
			return next
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newRealFixture(t, oidctest.Options{}, application.Options{}, nil)
			s := storedSession()
			q := tt.tamper(t, f, s, f.authorize(t, s, "/"))
			s.Delete("sessionauth.identity")
			_, err := f.m.Callback(context.Background(), s, "oidc", q)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			var pe *domain.ProviderError
			if tt.code != "" && (!errors.As(err, &pe) || pe.Code != tt.code) {
				t.Fatalf("err = %v, want provider error %q", err, tt.code)
			}
			if (&application.UserService{}).IsLoggedIn(context.Background(), s) {
				t.Fatal("logged in after a rejected callback")
			}
		})
	}
}

func TestIntegrationTamperedNonce(t *testing.T) {
	// The authorization request carries another nonce than the one kept in
	// the session, as when an attacker injects an authorization response
	// obtained for their own request.
	f := newRealFixture(t, oidctest.Options{}, application.Options{}, func(c *oidcbroker.Config) {
		c.AuthCodeOptions = func(context.Context, domain.AuthCodeRequest) []oauth2.AuthCodeOption {
			return []oauth2.AuthCodeOption{oidc.Nonce("attacker-nonce")}
		}
	})
	s := storedSession()
	_, err := f.m.Callback(context.Background(), s, "oidc", f.authorize(t, s, "/"))
	if !errors.Is(err, domain.ErrNonceMismatch) {
		t.Fatalf("err = %v, want ErrNonceMismatch", err)
	}
}

func TestIntegrationProviderError(t *testing.T) {
	f := newRealFixture(t, oidctest.Options{}, application.Options{}, nil)
	s := storedSession()
	authURL, err := f.m.LoginStartWithParams(context.Background(), s, "oidc", "/", url.Values{"prompt": {"none login"}})
	if err != nil {
		t.Fatal(err)
	}
	back, err := f.p.Visit(context.Background(), f.p.Browser(), authURL)
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.m.Callback(context.Background(), s, "oidc", back.Query())
	var pe *domain.ProviderError
	if !errors.Is(err, domain.ErrProviderError) || !errors.As(err, &pe) || pe.Code != "invalid_request" || pe.Description == "" {
		t.Fatalf("err = %v, want the provider's invalid_request", err)
	}
}

func TestIntegrationOneRefreshForParallelRequests(t *testing.T) {
	const lifetime = 2 * time.Second
	f := newRealFixture(t, oidctest.Options{AccessTokenLifetime: lifetime},
		application.Options{Clock: time.Now, RefreshLeeway: time.Millisecond}, nil)
	s := f.login(t)
	before, _ := f.m.Identity(context.Background(), s)
	var mu sync.Mutex
	seen := map[string]int{}
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		seen[r.Header.Get("Authorization")]++
	}))
	defer api.Close()
	time.Sleep(time.Until(before.Expiry) + 10*time.Millisecond)

	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- get(f.m, s, api.URL)
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	after, err := f.m.Identity(context.Background(), s)
	if err != nil || after.AccessToken == before.AccessToken || after.RefreshToken == before.RefreshToken {
		t.Fatalf("tokens not refreshed: %v", err)
	}
	if n := f.p.RefreshCount(); n != 1 {
		t.Fatalf("provider saw %d refreshes, want exactly 1", n)
	}
	if len(seen) != 1 || seen["Bearer "+after.AccessToken] != 20 {
		t.Fatalf("requests carried %d distinct tokens: %v", len(seen), seen)
	}
}

func get(m *application.AuthManager, s *domain.Session, u string) error {
	client, err := m.HTTPClient(context.Background(), s)
	if err != nil {
		return err
	}
	resp, err := client.Get(u)
	if err != nil {
		return err
	}
	return resp.Body.Close()
}

func TestIntegrationLogoutAndRejectedRefresh(t *testing.T) {
	f := newRealFixture(t, oidctest.Options{}, application.Options{}, nil)
	s := f.login(t)
	other := f.login(t) // a second login of the same user, in another session
	id, _ := f.m.Identity(context.Background(), s)
	endSession := f.m.Logout(context.Background(), s, "", "http://app.test/")
	q := mustParse(t, endSession).Query()
	if q.Get("id_token_hint") != id.IDToken.Raw || q.Get("post_logout_redirect_uri") != "http://app.test/" {
		t.Fatalf("end session URL %s", endSession)
	}
	if !s.Destroyed() || (&application.UserService{}).IsLoggedIn(context.Background(), s) {
		t.Fatal("session survived logout")
	}
	back, err := f.p.Visit(context.Background(), f.p.Browser(), endSession)
	if err != nil || back.String() != "http://app.test/" {
		t.Fatalf("provider's logout redirected to %v, %v", back, err)
	}
	// The provider ended the user's session for our client, refresh
	// tokens included: the other session's refresh is rejected for good.
	if _, err := f.m.RefreshIdentity(context.Background(), other); !errors.Is(err, domain.ErrRefreshRejected) || !errors.Is(err, domain.ErrNotLoggedIn) {
		t.Fatalf("refresh after provider logout: err = %v", err)
	}
	if (&application.UserService{}).IsLoggedIn(context.Background(), other) {
		t.Fatal("a rejected refresh left the user logged in")
	}
}

func mustParse(t *testing.T, raw string) *url.URL {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// TestIntegrationRefreshIdentity forces a refresh before the tokens are
// due: concurrent calls make one call to the provider, and the session
// holds the new tokens with the claims fetched again.
func TestIntegrationRefreshIdentity(t *testing.T) {
	f := newRealFixture(t, oidctest.Options{}, application.Options{Clock: time.Now}, nil)
	s := f.login(t)
	before, _ := f.m.Identity(context.Background(), s)
	var wg sync.WaitGroup
	errs := make(chan error, 10)
	start := make(chan struct{})
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, err := f.m.RefreshIdentity(context.Background(), s)
			errs <- err
		}()
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	after, err := f.m.Identity(context.Background(), s)
	if err != nil || after.AccessToken == before.AccessToken || after.RefreshToken == before.RefreshToken {
		t.Fatalf("tokens not refreshed: %v", err)
	}
	if after.Subject != before.Subject || after.User.Email != oidctest.DefaultUser.Email || after.User.FirstName != "Alice" {
		t.Fatalf("claims after the refresh: %+v", after.User)
	}
	if n := f.p.RefreshCount(); n != 1 {
		t.Fatalf("provider saw %d refreshes, want exactly 1", n)
	}
	if _, err := f.m.RefreshIdentity(context.Background(), storedSession()); !errors.Is(err, domain.ErrNotLoggedIn) {
		t.Fatalf("RefreshIdentity of an anonymous session: err = %v, want ErrNotLoggedIn", err)
	}
}
