package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sessionauth/sessionauth/application"
	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/infrastructure"
	"github.com/sessionauth/sessionauth/infrastructure/fakebroker"
	"github.com/sessionauth/sessionauth/infrastructure/oidcbroker"
	"github.com/sessionauth/sessionauth/interfaces/web"
	"github.com/sessionauth/sessionauth/internal/oidctest"
)

// app is an application with our login in front of zitadel's OpenID
// provider (broker "oidc") and a fake broker ("dev"), on real HTTP.
type app struct {
	srv      *httptest.Server
	provider *oidctest.Provider
	repo     *infrastructure.MemorySessionRepository
}

func startApp(t *testing.T) *app {
	return startAppWith(t, oidctest.Options{}, application.Options{})
}

// startAppWith starts the app with provider and manager options; the app
// also serves GET /userinfo, which calls the provider's userinfo endpoint
// through AuthManager.HTTPClient and answers with its status.
func startAppWith(t *testing.T, po oidctest.Options, mo application.Options) *app {
	t.Helper()
	srv := httptest.NewUnstartedServer(nil)
	base := "http://" + srv.Listener.Addr().String()
	po.RedirectURI, po.PostLogoutRedirectURIs = base+"/auth/callback/oidc", []string{base + "/"}
	p := oidctest.Start(t, po)
	oidc, err := oidcbroker.New(oidcbroker.Config{
		Broker: "oidc", Endpoint: p.Issuer, ClientID: p.ClientID, ClientSecret: p.ClientSecret,
		RedirectURL: p.RedirectURI, Scopes: []string{"profile", "email"}, EnableEndSessionEndpoint: true, EnableOfflineToken: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	fake, err := fakebroker.New(fakebroker.Config{Broker: "dev", Users: []fakebroker.User{
		{Username: "bob", Password: "pw", User: domain.User{Sub: "bob", Name: "Bob Builder"}}}})
	if err != nil {
		t.Fatal(err)
	}
	manager := application.NewAuthManager(map[string]domain.IdentityProvider{"oidc": oidc, "dev": fake}, mo)
	a := &app{srv: srv, provider: p, repo: infrastructure.NewMemorySessionRepository(infrastructure.MemoryOptions{MaxAge: time.Hour})}
	signer, err := infrastructure.NewSecureCookieSigner("app", []string{"secret"}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	web.NewAuthController(manager, web.AuthControllerOptions{DefaultBroker: "oidc"}).Register(mux)
	mux.Handle("GET /account", web.RequireLogin(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u := (&application.UserService{}).GetUser(r.Context(), web.SessionFromContext(r.Context()))
		fmt.Fprintf(w, "hello %s (%s)", u.Name, u.Sub)
	})))
	mux.HandleFunc("GET /userinfo", func(w http.ResponseWriter, r *http.Request) {
		client, err := manager.HTTPClient(r.Context(), web.SessionFromContext(r.Context()))
		if err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		resp, err := client.Get(p.Issuer + "/userinfo")
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		resp.Body.Close()
		w.WriteHeader(resp.StatusCode)
	})
	srv.Config.Handler = web.NewSessionMiddleware(a.repo, signer, web.SessionOptions{Name: "app", MaxAge: time.Hour}).Handler(mux)
	srv.Start()
	t.Cleanup(srv.Close)
	return a
}

// browserVisitor is a browser: a cookie jar that shows redirects instead of
// following them.
type browserVisitor struct {
	t      *testing.T
	client *http.Client
}

func newBrowserVisitor(t *testing.T) *browserVisitor {
	jar, _ := cookiejar.New(nil)
	return &browserVisitor{t: t, client: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// do sends a request and returns status, Location and body.
func (v *browserVisitor) do(method, u string, header http.Header) (int, string, string) {
	v.t.Helper()
	req, err := http.NewRequest(method, u, nil)
	if err != nil {
		v.t.Fatal(err)
	}
	for k, vals := range header {
		req.Header[k] = vals
	}
	resp, err := v.client.Do(req)
	if err != nil {
		v.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Location"), string(body)
}

func (v *browserVisitor) cookie(a *app) string {
	u, _ := url.Parse(a.srv.URL)
	for _, c := range v.client.Jar.Cookies(u) {
		if c.Name == "app" {
			return c.Value
		}
	}
	return ""
}

// startLogin asks the app for a login and returns the provider's URL.
func (v *browserVisitor) startLogin(a *app, broker, returnPath string) string {
	v.t.Helper()
	code, loc, body := v.do("GET", a.srv.URL+"/auth/login/"+broker+"?redirecturl="+url.QueryEscape(returnPath), nil)
	if code != http.StatusSeeOther || loc == "" {
		v.t.Fatalf("login start: %d %q %s", code, loc, body)
	}
	return loc
}

// atProvider logs in at zitadel and returns our callback URL.
func (v *browserVisitor) atProvider(a *app, authURL string) string {
	v.t.Helper()
	back, err := a.provider.Login(context.Background(), a.provider.Browser(), authURL, oidctest.DefaultUser.Username, oidctest.DefaultUser.Password)
	if err != nil {
		v.t.Fatal(err)
	}
	return back.String()
}

func sameOrigin(a *app) http.Header {
	return http.Header{"Origin": {a.srv.URL}, "Sec-Fetch-Site": {"same-origin"}}
}

func TestLoginWithOpenIDProvider(t *testing.T) {
	a := startApp(t)
	v := newBrowserVisitor(t)
	if code, loc, _ := v.do("GET", a.srv.URL+"/account?tab=orders", nil); code != http.StatusSeeOther || loc != "/auth/login?redirecturl=%2Faccount%3Ftab%3Dorders" {
		t.Fatalf("anonymous /account: %d %q; want a redirect to the login that keeps the path", code, loc)
	}
	authURL := v.startLogin(a, "oidc", "/account?tab=orders")
	for _, p := range []string{"code_challenge_method=S256", "nonce=", "state="} {
		if !strings.Contains(authURL, p) {
			t.Fatalf("authorization URL %s lacks %s", authURL, p)
		}
	}
	before := v.cookie(a)
	callback := v.atProvider(a, authURL)
	code, loc, body := v.do("GET", callback, nil)
	if code != http.StatusSeeOther || loc != "/account?tab=orders" {
		t.Fatalf("callback: %d %q %s", code, loc, body)
	}
	if after := v.cookie(a); after == "" || after == before {
		t.Fatal("the session cookie did not change at login: the session ID was not regenerated")
	}
	if code, _, body := v.do("GET", a.srv.URL+"/account", nil); code != 200 || !strings.Contains(body, "(user-1)") {
		t.Fatalf("/account after login: %d %s", code, body)
	}
	// The callback cannot be replayed.
	if code, _, body := v.do("GET", callback, nil); code != http.StatusBadRequest || !strings.Contains(body, "Login expired") {
		t.Fatalf("replayed callback: %d %s", code, body)
	}
}

func TestLoginInTwoTabs(t *testing.T) {
	a := startApp(t)
	v := newBrowserVisitor(t)
	v.do("GET", a.srv.URL+"/account", nil)
	first := v.startLogin(a, "oidc", "/first")
	second := v.startLogin(a, "oidc", "/second")
	cb1, cb2 := v.atProvider(a, first), v.atProvider(a, second)
	if code, loc, body := v.do("GET", cb2, nil); code != http.StatusSeeOther || loc != "/second" {
		t.Fatalf("second tab: %d %q %s", code, loc, body)
	}
	if code, loc, body := v.do("GET", cb1, nil); code != http.StatusSeeOther || loc != "/first" {
		t.Fatalf("first tab after the second: %d %q %s", code, loc, body)
	}
}

func TestCallbackFailures(t *testing.T) {
	a := startApp(t)
	tests := []struct {
		name  string
		query func(callback url.Values) url.Values
		code  int
		want  string
	}{
		{"wrong state", func(q url.Values) url.Values { q.Set("state", "forged"); return q }, http.StatusBadRequest, "Login expired"},
		{"provider error", func(q url.Values) url.Values {
			return url.Values{"state": q["state"], "error": {"access_denied"}, "error_description": {"<b>no</b>"}}
		}, http.StatusUnauthorized, "access_denied"},
		{"issuer of another provider", func(q url.Values) url.Values { q.Set("iss", "https://evil.example"); return q }, http.StatusBadRequest, "could not be verified"},
		{"code of nobody", func(q url.Values) url.Values { q.Set("code", "made-up"); return q }, http.StatusUnauthorized, "invalid_grant"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := newBrowserVisitor(t)
			cb, _ := url.Parse(v.atProvider(a, v.startLogin(a, "oidc", "/")))
			cb.RawQuery = tc.query(cb.Query()).Encode()
			code, _, body := v.do("GET", cb.String(), nil)
			if code != tc.code || !strings.Contains(body, tc.want) {
				t.Fatalf("%d %s; want %d with %q", code, body, tc.code, tc.want)
			}
			if strings.Contains(body, "<b>no</b>") {
				t.Fatal("the provider's description is not escaped")
			}
			if code, _, _ := v.do("GET", a.srv.URL+"/account", nil); code != http.StatusSeeOther {
				t.Fatal("a failed callback logged the browserVisitor in")
			}
		})
	}
}

func TestLogoutWithEndSession(t *testing.T) {
	a := startApp(t)
	v := newBrowserVisitor(t)
	v.do("GET", v.atProvider(a, v.startLogin(a, "oidc", "/")), nil)
	loggedIn := v.cookie(a)
	if code, _, _ := v.do("POST", a.srv.URL+"/auth/logout", http.Header{"Sec-Fetch-Site": {"cross-site"}}); code != http.StatusForbidden {
		t.Fatalf("cross-site logout: %d, want 403", code)
	}
	code, loc, _ := v.do("POST", a.srv.URL+"/auth/logout", sameOrigin(a))
	end, _ := url.Parse(loc)
	if code != http.StatusSeeOther || !strings.HasPrefix(loc, a.provider.Issuer) || end.Query().Get("id_token_hint") == "" ||
		end.Query().Get("post_logout_redirect_uri") != a.srv.URL+"/" {
		t.Fatalf("logout: %d %q; want the provider's end_session endpoint with id_token_hint and post_logout_redirect_uri", code, loc)
	}
	if back, err := a.provider.Visit(context.Background(), a.provider.Browser(), loc); err != nil || back.String() != a.srv.URL+"/" {
		t.Fatalf("the provider's end_session: %v %v", back, err)
	}
	if v.cookie(a) != "" {
		t.Fatal("the session cookie was not expired")
	}
	if a.repo.Len() != 0 {
		t.Fatalf("%d sessions left in the store after logout", a.repo.Len())
	}
	// The old cookie gives an anonymous session.
	old := newBrowserVisitor(t)
	u, _ := url.Parse(a.srv.URL)
	old.client.Jar.SetCookies(u, []*http.Cookie{{Name: "app", Value: loggedIn}})
	if code, _, _ := old.do("GET", a.srv.URL+"/account", nil); code != http.StatusSeeOther {
		t.Fatalf("the logged-out cookie still opens /account: %d", code)
	}
}

func TestFakeBrokerLoginForm(t *testing.T) {
	a := startApp(t)
	v := newBrowserVisitor(t)
	form := v.startLogin(a, "dev", "/account")
	if code, _, body := v.do("GET", a.srv.URL+form, nil); code != 200 || !strings.Contains(body, `id="password"`) {
		t.Fatalf("fake login form: %d %s", code, body)
	}
	post := func(values url.Values) (int, string, string) {
		req, _ := http.NewRequest("POST", a.srv.URL+form, strings.NewReader(values.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		resp, err := v.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header.Get("Location"), string(body)
	}
	if code, _, body := post(url.Values{"username": {"bob"}, "password": {"wrong"}}); code != http.StatusUnauthorized || !strings.Contains(body, "wrong password") {
		t.Fatalf("wrong password: %d %s", code, body)
	}
	code, callback, _ := post(url.Values{"username": {"bob"}, "password": {"pw"}})
	if code != http.StatusSeeOther {
		t.Fatalf("login: %d", code)
	}
	if code, loc, body := v.do("GET", a.srv.URL+callback, nil); code != http.StatusSeeOther || loc != "/account" {
		t.Fatalf("callback: %d %q %s", code, loc, body)
	}
	if code, _, body := v.do("GET", a.srv.URL+"/account", nil); code != 200 || !strings.Contains(body, "hello Bob Builder (bob)") {
		t.Fatalf("/account: %d %s", code, body)
	}
}

func TestExpiredStateAndReplayedCode(t *testing.T) {
	now := time.Now()
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	a := startAppWith(t, oidctest.Options{}, application.Options{Clock: clock})
	v := newBrowserVisitor(t)
	stale := v.atProvider(a, v.startLogin(a, "oidc", "/"))
	mu.Lock()
	now = now.Add(31 * time.Minute)
	mu.Unlock()
	if code, _, body := v.do("GET", stale, nil); code != http.StatusBadRequest || !strings.Contains(body, "Login expired") {
		t.Fatalf("callback after 31 minutes: %d %s", code, body)
	}
	// A code the provider redeemed once, brought back with a fresh state.
	first, _ := url.Parse(v.atProvider(a, v.startLogin(a, "oidc", "/")))
	v.do("GET", first.String(), nil)
	second, _ := url.Parse(v.atProvider(a, v.startLogin(a, "oidc", "/")))
	q := second.Query()
	q.Set("code", first.Query().Get("code"))
	second.RawQuery = q.Encode()
	if code, _, body := v.do("GET", second.String(), nil); code != http.StatusUnauthorized || !strings.Contains(body, "invalid_grant") {
		t.Fatalf("replayed code: %d %s", code, body)
	}
}

// TestParallelRequestsRefreshOnce sends 20 requests of one logged-in
// visitor at once, each loading the session from the repository, when the
// access token is due: the provider sees exactly one refresh, every request
// reaches its userinfo endpoint with a valid token, and the session keeps
// the refreshed tokens.
func TestParallelRequestsRefreshOnce(t *testing.T) {
	a := startAppWith(t, oidctest.Options{AccessTokenLifetime: 2 * time.Second},
		application.Options{RefreshLeeway: time.Millisecond})
	v := newBrowserVisitor(t)
	v.do("GET", v.atProvider(a, v.startLogin(a, "oidc", "/")), nil)
	if code, _, body := v.do("GET", a.srv.URL+"/userinfo", nil); code != 200 {
		t.Fatalf("userinfo before expiry: %d %s", code, body)
	}
	time.Sleep(2100 * time.Millisecond)
	var wg sync.WaitGroup
	codes := make(chan int, 20)
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := v.client.Get(a.srv.URL + "/userinfo")
			if err != nil {
				codes <- 0
				return
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Logf("%d %s", resp.StatusCode, body)
			}
			codes <- resp.StatusCode
		}()
	}
	wg.Wait()
	close(codes)
	for code := range codes {
		if code != 200 {
			t.Fatalf("a parallel request got %d", code)
		}
	}
	if n := a.provider.RefreshCount(); n != 1 {
		t.Fatalf("the provider saw %d refreshes, want exactly 1", n)
	}
	if code, _, _ := v.do("GET", a.srv.URL+"/userinfo", nil); code != 200 || a.provider.RefreshCount() != 1 {
		t.Fatalf("after the parallel requests: %d, %d refreshes; the refreshed tokens were not kept in the session", code, a.provider.RefreshCount())
	}
}
