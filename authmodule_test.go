package sessionauth_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"flamingo.me/dingo"

	"github.com/sessionauth/sessionauth"
	"github.com/sessionauth/sessionauth/application"
	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/interfaces/healthcheck"
	"github.com/sessionauth/sessionauth/interfaces/web"
)

func authInjector(t *testing.T, brokers []any, extra map[string]any) *dingo.Injector {
	t.Helper()
	cfg := map[string]any{
		"flamingo.session.secret": "s", "flamingo.session.cookie.secure": false,
		"core.auth.web.broker": brokers, "core.auth.web.baseURL": "http://127.0.0.1:3322",
	}
	for k, v := range extra {
		cfg[k] = v
	}
	injector, err := dingo.NewInjector(sessionauth.ConfigModule(cfg), new(sessionauth.AuthModule))
	if err != nil {
		t.Fatal(err)
	}
	return injector
}

var fakeBroker = map[string]any{
	"broker": "dev", "typ": "fake",
	"users": []any{map[string]any{"username": "alice", "password": "pw", "name": "Alice", "email": "alice@example.com", "groups": []any{"admins"}}},
}

func TestAuthModuleBindsEverything(t *testing.T) {
	oidc := map[string]any{
		"broker": "corp", "typ": "oidc", "endpoint": "http://127.0.0.1:1/issuer", "clientID": "app", "clientSecret": "s",
		"scopes": []any{"profile"}, "enableOfflineToken": true, "claims": map[string]any{"idToken": map[string]any{"name": "preferred_username"}},
	}
	injector := authInjector(t, []any{fakeBroker, oidc}, nil)
	for _, of := range []any{new(application.AuthManager), new(application.UserServiceInterface), new(web.AuthController), new(web.SessionMiddleware)} {
		if _, err := injector.GetInstance(of); err != nil {
			t.Fatalf("GetInstance(%T): %v", of, err)
		}
	}
	us, _ := injector.GetInstance(new(application.UserServiceInterface))
	if u := us.(application.UserServiceInterface).GetUser(context.Background(), domain.NewSession()); u == nil || u.Type != domain.UserTypeGuest {
		t.Fatalf("GetUser of an anonymous session = %+v, want a guest", u)
	}
	// The OpenID provider is down: start-up works, the "auth" check says so.
	h, _ := injector.GetInstance(new(healthcheck.Handler))
	rec := httptest.NewRecorder()
	h.(*healthcheck.Handler).ServeHTTP(rec, httptest.NewRequest("GET", "/health", nil))
	if rec.Code != http.StatusInternalServerError || !strings.Contains(rec.Body.String(), `"name":"auth","alive":false`) || !strings.Contains(rec.Body.String(), "corp:") {
		t.Fatalf("health with the provider down = %d %s", rec.Code, rec.Body)
	}
}

func TestAuthModuleRejectsBadBrokers(t *testing.T) {
	tests := []struct {
		name    string
		brokers []any
		extra   map[string]any
		want    []string
	}{
		{"not a map", []any{"corp"}, nil, []string{"core.auth.web.broker[0]", "is not a map"}},
		{"no name", []any{map[string]any{"typ": "fake"}}, nil, []string{"core.auth.web.broker[0].broker"}},
		{"unknown type", []any{map[string]any{"broker": "x", "typ": "saml"}}, nil, []string{"core.auth.web.broker[0].typ", "fake or oidc"}},
		{"typo in a key", []any{map[string]any{"broker": "x", "typ": "oidc", "endpont": "https://idp"}}, nil,
			[]string{"core.auth.web.broker[0].endpont", "no such key"}},
		{"oidc without client", []any{map[string]any{"broker": "x", "typ": "oidc", "endpoint": "https://idp"}}, nil,
			[]string{"core.auth.web.broker[0]", "clientID"}},
		{"duplicate names", []any{fakeBroker, fakeBroker}, nil, []string{"core.auth.web.broker[1].broker", "same name"}},
		{"scopes not a list", []any{map[string]any{"broker": "x", "typ": "oidc", "endpoint": "https://idp", "clientID": "c", "scopes": "openid"}}, nil,
			[]string{"core.auth.web.broker[0].scopes", "list"}},
		{"bad state lifetime", []any{fakeBroker}, map[string]any{"core.auth.web.stateLifeTime": "long"}, []string{"core.auth.web.stateLifeTime"}},
		{"unknown default broker", []any{fakeBroker}, map[string]any{"core.auth.web.defaultBroker": "corp"}, []string{"core.auth.web.defaultBroker", "dev"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := map[string]any{"core.auth.web.broker": tc.brokers, "core.auth.web.baseURL": "https://shop.example"}
			for k, v := range tc.extra {
				cfg[k] = v
			}
			_, err := dingo.NewInjector(sessionauth.ConfigModule(cfg), new(sessionauth.AuthModule))
			if err == nil {
				t.Fatal("start-up succeeded")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

type loginRecorder struct{ subjects chan string }

func (l *loginRecorder) OnLogin(_ context.Context, _ *domain.Session, id *domain.Identity) {
	l.subjects <- id.Subject
}

type uiLocales struct{}

func (uiLocales) AuthCodeParams(r *http.Request, broker string) url.Values {
	return url.Values{"ui_locales": {"de"}, "login_hint": {broker + "-hint"}}
}

// TestAuthModuleHooks binds a login subscriber, extra authorization URL
// parameters and an error page, and logs in with the fake broker.
func TestAuthModuleHooks(t *testing.T) {
	rec := &loginRecorder{subjects: make(chan string, 1)}
	injector, err := dingo.NewInjector(
		sessionauth.ConfigModule(map[string]any{"flamingo.session.secret": "s", "core.auth.web.broker": []any{fakeBroker}}),
		new(sessionauth.AuthModule),
		dingo.ModuleFunc(func(i *dingo.Injector) {
			i.BindMulti(new(application.LoginSubscriber)).ToInstance(rec)
			i.Bind(new(web.AuthCodeParams)).ToInstance(uiLocales{})
			i.Bind(new(web.AuthErrorHandler)).ToInstance(web.AuthErrorHandlerFunc(func(w http.ResponseWriter, r *http.Request, err error) {
				http.Error(w, "custom: "+err.Error(), http.StatusTeapot)
			}))
		}))
	if err != nil {
		t.Fatal(err)
	}
	ctrl, _ := injector.GetInstance(new(web.AuthController))
	mw, _ := injector.GetInstance(new(web.SessionMiddleware))
	mux := http.NewServeMux()
	ctrl.(*web.AuthController).Register(mux)
	srv := httptest.NewServer(mw.(*web.SessionMiddleware).Handler(mux))
	defer srv.Close()
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}

	resp, err := client.Get(srv.URL + "/auth/login/dev")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if q := resp.Request.URL.Query(); q.Get("ui_locales") != "de" || q.Get("login_hint") != "dev-hint" {
		t.Fatalf("authorization URL %s lacks the bound parameters", resp.Request.URL)
	}
	resp, err = client.PostForm(resp.Request.URL.String(), url.Values{"username": {"alice"}, "password": {"pw"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	select {
	case sub := <-rec.subjects:
		if sub != "alice" {
			t.Fatalf("login event for %q", sub)
		}
	default:
		t.Fatal("the bound LoginSubscriber was not told of the login")
	}
	resp, err = client.Get(srv.URL + "/auth/callback/dev?state=forged")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusTeapot || !strings.HasPrefix(string(body), "custom: ") {
		t.Fatalf("failed callback: %d %s; want the bound error handler", resp.StatusCode, body)
	}
}
