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
	"testing"
	"time"

	"github.com/sessionauth/sessionauth/application"
	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/infrastructure/cookiesigner"
	"github.com/sessionauth/sessionauth/infrastructure/fakebroker"
	"github.com/sessionauth/sessionauth/infrastructure/memorystore"
	"github.com/sessionauth/sessionauth/infrastructure/oidcbroker"
	"github.com/sessionauth/sessionauth/interfaces/web"
	"github.com/sessionauth/sessionauth/internal/oidctest"
)

// app is an application with our login in front of zitadel's OpenID
// provider (broker "oidc", the default) and a fake broker ("dev"), served
// on real HTTP behind the session middleware with the memory repository
// and the secure cookie signer.
type app struct {
	srv      *httptest.Server
	provider *oidctest.Provider
	repo     *memorystore.Repository
}

func startApp(t *testing.T) *app {
	return startAppWith(t, oidctest.Options{}, application.Options{})
}

// startAppWith starts the app with provider and manager options. Its
// routes: the AuthController's (a login's ?prompt= goes to the provider),
// GET /account behind RequireLogin showing the user, GET /recent (a login
// at most a minute old) and GET /strong (acr "gold") behind
// RequireLoginWithOptions showing the user and the session's "note",
// /note storing the note of the form or query in the session, and GET /userinfo,
// which calls the provider's userinfo endpoint through
// AuthManager.HTTPClient and answers with its status.
func startAppWith(t *testing.T, po oidctest.Options, mo application.Options, brokerOpts ...func(*oidcbroker.Config)) *app {
	t.Helper()
	srv := httptest.NewUnstartedServer(nil)
	base := "http://" + srv.Listener.Addr().String()
	po.RedirectURI, po.PostLogoutRedirectURIs = base+"/auth/callback/oidc", []string{base + "/", base + "/auth/loggedout"}
	p := oidctest.Start(t, po)
	manager := application.NewAuthManager(map[string]domain.IdentityProvider{"oidc": oidcBroker(t, p, brokerOpts...), "dev": fakeBroker(t)}, mo)
	a := &app{srv: srv, provider: p, repo: memorystore.New(memorystore.Options{MaxAge: time.Hour})}
	t.Cleanup(func() { _ = a.repo.Close() })
	signer, err := cookiesigner.New("app", []string{"secret"}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	web.NewAuthController(manager, web.AuthControllerOptions{DefaultBroker: "oidc"}).Register(mux)
	mux.Handle("GET /account", web.RequireLogin(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u := (&application.UserService{}).GetUser(r.Context(), web.SessionFromContext(r.Context()))
		fmt.Fprintf(w, "hello %s (%s) at %s", u.Name, u.Sub, r.URL.RequestURI())
	})))
	mux.Handle("GET /userinfo", userinfoProxy(manager, p.Issuer+"/userinfo"))
	stepUpRoutes(mux)
	srv.Config.Handler = web.NewSessionMiddleware(a.repo, signer, web.SessionOptions{Name: "app", MaxAge: time.Hour}).Handler(mux)
	srv.Start()
	t.Cleanup(srv.Close)
	return a
}

func oidcBroker(t *testing.T, p *oidctest.Provider, opts ...func(*oidcbroker.Config)) domain.IdentityProvider {
	c := oidcbroker.Config{
		Broker: "oidc", Endpoint: p.Issuer, ClientID: p.ClientID, ClientSecret: p.ClientSecret,
		RedirectURL: p.RedirectURI, Scopes: []string{"profile", "email"}, EnableEndSessionEndpoint: true, EnableOfflineToken: true,
	}
	for _, o := range opts {
		o(&c)
	}
	b, err := oidcbroker.New(c)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func fakeBroker(t *testing.T) domain.IdentityProvider {
	b, err := fakebroker.New(fakebroker.Config{Broker: "dev", Users: []fakebroker.User{
		{Username: "bob", Password: "pw", User: domain.User{Sub: "bob", Name: "Bob Builder"}}}})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func userinfoProxy(manager *application.AuthManager, endpoint string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		client, err := manager.HTTPClient(r.Context(), web.SessionFromContext(r.Context()))
		if err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		resp, err := client.Get(endpoint)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		_ = resp.Body.Close()
		w.WriteHeader(resp.StatusCode)
	})
}

// withoutRedirectURL leaves the broker's redirect URL to each request.
func withoutRedirectURL(c *oidcbroker.Config) { c.RedirectURL = "" }

func mustParseURL(t *testing.T, raw string) *url.URL {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// stepUpRoutes serves GET /recent, GET /strong and /note.
func stepUpRoutes(mux *http.ServeMux) {
	show := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := web.SessionFromContext(r.Context())
		u := (&application.UserService{}).GetUser(r.Context(), s)
		fmt.Fprintf(w, "hello %s at %s, note %v", u.Sub, r.URL.RequestURI(), s.Try("note"))
	})
	mux.Handle("GET /recent", web.RequireLoginWithOptions(web.RequireLoginOptions{MaxAge: time.Minute}, show))
	mux.Handle("GET /strong", web.RequireLoginWithOptions(web.RequireLoginOptions{ACRValues: []string{"gold"}}, show))
	mux.HandleFunc("/note", func(w http.ResponseWriter, r *http.Request) {
		web.SessionFromContext(r.Context()).Store("note", r.FormValue("note"))
	})
}

// browserVisitor is a browser: a cookie jar, and redirects shown instead
// of followed.
type browserVisitor struct {
	t          *testing.T
	client     *http.Client
	lastHeader http.Header // of the last response
}

func newBrowserVisitor(t *testing.T) *browserVisitor {
	jar, _ := cookiejar.New(nil)
	return &browserVisitor{t: t, client: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// do sends a request and returns status, Location and body.
func (v *browserVisitor) do(method, u string, header http.Header) (int, string, string) {
	return v.send(method, u, header, nil)
}

// post sends a form with the headers a browser sends from a page of a.
func (v *browserVisitor) post(a *app, u string, form url.Values) (int, string, string) {
	h := sameOrigin(a)
	h.Set("Content-Type", "application/x-www-form-urlencoded")
	return v.send("POST", u, h, strings.NewReader(form.Encode()))
}

func (v *browserVisitor) send(method, u string, header http.Header, body io.Reader) (int, string, string) {
	v.t.Helper()
	req, err := http.NewRequest(method, u, body)
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
	b, _ := io.ReadAll(resp.Body)
	v.lastHeader = resp.Header
	return resp.StatusCode, resp.Header.Get("Location"), string(b)
}

// cookie is the value of the session cookie the browser holds for a.
func (v *browserVisitor) cookie(a *app) string {
	u, _ := url.Parse(a.srv.URL)
	for _, c := range v.client.Jar.Cookies(u) {
		if c.Name == "app" {
			return c.Value
		}
	}
	return ""
}

// withCookie is a new browser holding the session cookie value.
func withCookie(t *testing.T, a *app, value string) *browserVisitor {
	v := newBrowserVisitor(t)
	u, _ := url.Parse(a.srv.URL)
	v.client.Jar.SetCookies(u, []*http.Cookie{{Name: "app", Value: value}})
	return v
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
	if !strings.HasPrefix(back.String(), a.srv.URL+"/auth/callback/oidc?") {
		v.t.Fatalf("the provider sent the browser to %s, not to our callback", back)
	}
	return back.String()
}

// logIn runs a whole login with zitadel and lands on returnPath.
func (v *browserVisitor) logIn(a *app, returnPath string) {
	v.t.Helper()
	if code, loc, body := v.do("GET", v.atProvider(a, v.startLogin(a, "oidc", returnPath)), nil); code != http.StatusSeeOther || loc != returnPath {
		v.t.Fatalf("callback: %d to %q %s; want a redirect to %q", code, loc, body, returnPath)
	}
}

func sameOrigin(a *app) http.Header {
	return http.Header{"Origin": {a.srv.URL}, "Sec-Fetch-Site": {"same-origin"}}
}
