package web_test

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sessionauth/sessionauth/application"
	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/infrastructure/cookiesigner"
	"github.com/sessionauth/sessionauth/infrastructure/memorystore"
	"github.com/sessionauth/sessionauth/infrastructure/oidcbroker"
	"github.com/sessionauth/sessionauth/interfaces/web"
	"github.com/sessionauth/sessionauth/internal/oidctest"
)

// rogueApp is an application whose broker "rogue" logs in with a provider
// whose tokens the test writes.
type rogueApp struct {
	srv      *httptest.Server
	rogue    *oidctest.Rogue
	repo     *memorystore.Repository
	manager  *application.AuthManager
	sessions *application.UserSessions
	logs     *syncBuffer
}

// syncBuffer collects log lines from several goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startRogueApp serves the AuthController and GET /account (behind
// RequireLogin) with a broker that fetches userinfo.
func startRogueApp(t *testing.T) *rogueApp {
	t.Helper()
	return startRogueAppWith(t, func(*oidcbroker.Config) {})
}

// startRogueAppWith is startRogueApp with the broker's configuration
// changed by mutate.
func startRogueAppWith(t *testing.T, mutate func(*oidcbroker.Config)) *rogueApp {
	t.Helper()
	srv := httptest.NewUnstartedServer(nil)
	a := &rogueApp{srv: srv, rogue: oidctest.StartRogue(t, "rp"), logs: new(syncBuffer),
		repo: memorystore.New(memorystore.Options{MaxAge: time.Hour})}
	t.Cleanup(func() { _ = a.repo.Close() })
	cfg := oidcbroker.Config{
		Broker: "rogue", Endpoint: a.rogue.Issuer, ClientID: "rp", ClientSecret: "s",
		RedirectURL:        "http://" + srv.Listener.Addr().String() + "/auth/callback/rogue",
		Claims:             oidcbroker.ClaimMapping{UserInfo: map[string]string{"email": "email"}},
		FrontChannelLogout: true,
	}
	mutate(&cfg)
	b, err := oidcbroker.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.NewTextHandler(a.logs, nil))
	indexed := application.NewIndexedRepository(a.repo, time.Hour)
	a.sessions = application.NewUserSessions(indexed)
	a.manager = application.NewAuthManager(map[string]domain.IdentityProvider{"rogue": b},
		application.Options{Logger: logger, Sessions: a.sessions})
	signer, err := cookiesigner.New("app", []string{"secret"}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	web.NewAuthController(a.manager, web.AuthControllerOptions{Logger: logger}).Register(mux)
	web.NewUserSessionsController(a.sessions, logger).Register(mux)
	mux.Handle("GET /account", web.RequireLogin(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u := (&application.UserService{}).GetUser(r.Context(), web.SessionFromContext(r.Context()))
		_, _ = w.Write([]byte("hello " + u.Sub))
	})))
	srv.Config.Handler = web.NewSessionMiddleware(indexed, signer, web.SessionOptions{Name: "app", MaxAge: time.Hour}).Handler(mux)
	srv.Start()
	t.Cleanup(srv.Close)
	return a
}

// logIn runs a login with the rogue provider and returns the callback's
// status and body.
func (a *rogueApp) logIn(v *browserVisitor) (int, string) {
	v.t.Helper()
	code, loc, body := v.do("GET", a.srv.URL+"/auth/login/rogue", nil)
	if code != http.StatusSeeOther {
		v.t.Fatalf("login start: %d %s", code, body)
	}
	code, loc, body = v.do("GET", loc, nil)
	if code != http.StatusFound {
		v.t.Fatalf("rogue authorize: %d %s", code, body)
	}
	code, _, body = v.do("GET", loc, nil)
	return code, body
}

// TestMisbehavingIDTokens brings ID tokens a real provider would not issue
// through the real callback: each is refused with 400, a log line that
// names the reason, and the visitor stays anonymous.
func TestMisbehavingIDTokens(t *testing.T) {
	a := startRogueApp(t)
	now := time.Now()
	tests := []struct {
		name   string
		edit   func(c map[string]any)
		info   string
		reason string
	}{
		{"no sub", func(c map[string]any) { delete(c, "sub") }, "", "no subject (sub)"},
		{"no iat", func(c map[string]any) { delete(c, "iat") }, "", "no issue time (iat)"},
		{"iat in the future", func(c map[string]any) { c["iat"] = now.Add(10 * time.Minute).Unix() }, "", "issued in the future"},
		{"userinfo about another user", nil, "someone-else", "is not the ID token's"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a.rogue.EditIDTokens(tc.edit)
			a.rogue.UserInfoSubject(tc.info)
			v := newBrowserVisitor(t)
			if code, body := a.logIn(v); code != http.StatusBadRequest {
				t.Fatalf("callback: %d %s; want 400", code, body)
			}
			if !strings.Contains(a.logs.String(), tc.reason) {
				t.Fatalf("no log line says %q:\n%s", tc.reason, a.logs)
			}
			if code, _, _ := v.do("GET", a.srv.URL+"/account", nil); code != http.StatusSeeOther {
				t.Fatalf("/account after a refused token: %d; the visitor must stay anonymous", code)
			}
		})
	}
	t.Run("well-formed token", func(t *testing.T) {
		a.rogue.EditIDTokens(nil)
		a.rogue.UserInfoSubject("")
		v := newBrowserVisitor(t)
		if code, body := a.logIn(v); code != http.StatusSeeOther {
			t.Fatalf("callback: %d %s", code, body)
		}
		if code, _, body := v.do("GET", a.srv.URL+"/account", nil); code != 200 || body != "hello "+oidctest.RogueSubject {
			t.Fatalf("/account: %d %s", code, body)
		}
	})
}
