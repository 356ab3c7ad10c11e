package sessionauth_test

import (
	"fmt"
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
	"github.com/sessionauth/sessionauth/infrastructure/memorystore"
	"github.com/sessionauth/sessionauth/interfaces/web"
)

func TestNewServesLoginOnAPlainMux(t *testing.T) {
	sa, err := sessionauth.New(map[string]any{
		"flamingo.session.secret": "s", "flamingo.session.cookie.secure": false, "core.auth.web.broker": []any{fakeBroker},
	})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /account", web.RequireLogin(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "hello ", sa.Users.GetUser(r.Context(), web.SessionFromContext(r.Context())).Name)
	})))
	srv := httptest.NewServer(sa.Handler(mux))
	defer srv.Close()
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}

	resp, err := client.Get(srv.URL + "/account")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if !strings.Contains(resp.Request.URL.Path, "/auth/") {
		t.Fatalf("an anonymous GET /account ended at %s, want the login form", resp.Request.URL)
	}
	resp, err = client.PostForm(resp.Request.URL.String(), url.Values{"username": {"alice"}, "password": {"pw"}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.Request.URL.Path != "/account" || string(body) != "hello Alice" {
		t.Fatalf("after the login: %s %q; want /account saying hello Alice", resp.Request.URL, body)
	}
}

func TestNewReportsEveryProblem(t *testing.T) {
	_, err := sessionauth.New(map[string]any{"flamingo.session.backend": "mongo", "core.auth.web.stateLifeTime": "soon"})
	if err == nil {
		t.Fatal("New accepted a bad configuration")
	}
	for _, want := range []string{"flamingo.session.backend", "mongo", "core.auth.web.stateLifeTime", "soon"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %s", err, want)
		}
	}
}

func TestGetIsTyped(t *testing.T) {
	injector := newInjector(t, nil, new(sessionauth.AuthModule))
	repo, err := sessionauth.Get[domain.SessionRepository](injector)
	if _, ok := repo.(*memorystore.Repository); err != nil || !ok {
		t.Fatalf("Get[domain.SessionRepository] = %T, %v; want the memory repository", repo, err)
	}
	mw, err := sessionauth.Get[*web.SessionMiddleware](injector)
	if err != nil || mw == nil {
		t.Fatalf("Get[*web.SessionMiddleware] = %v, %v", mw, err)
	}
	m1, _ := sessionauth.Get[*application.AuthManager](injector)
	m2, _ := sessionauth.Get[*application.AuthManager](injector)
	if m1 == nil || m1 != m2 {
		t.Fatalf("Get[*application.AuthManager] gave %p and %p; want the injector's one manager", m1, m2)
	}
	bad, err := dingo.NewInjector(sessionauth.ConfigModule(map[string]any{"flamingo.session.max.age": "long"}), new(sessionauth.SessionModule))
	if err == nil {
		_, err = sessionauth.Get[*web.SessionMiddleware](bad)
	}
	if err == nil || !strings.Contains(err.Error(), "flamingo.session.max.age") {
		t.Fatalf("Get on a bad configuration: %v; want the configuration's error", err)
	}
}
