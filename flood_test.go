package sessionauth_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sessionauth/sessionauth/application"
	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/infrastructure/cookiesigner"
	"github.com/sessionauth/sessionauth/infrastructure/fakebroker"
	"github.com/sessionauth/sessionauth/infrastructure/filestore"
	"github.com/sessionauth/sessionauth/infrastructure/redisstore"
	"github.com/sessionauth/sessionauth/interfaces/web"
	"github.com/sessionauth/sessionauth/internal/redistest"
)

// loginApp is the login stack over repo: session middleware, the auth
// controller with one fake broker "dev" (user alice/pw), /me, which
// answers 200 to a logged-in visitor and 401 to others, and /tokens, which
// writes the visitor's access, refresh and ID token, one a line.
func loginApp(t *testing.T, repo domain.SessionRepository, stateLifetime time.Duration) http.Handler {
	t.Helper()
	signer, err := cookiesigner.New("s", []string{"secret"}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	broker, err := fakebroker.New(fakebroker.Config{Broker: "dev", Users: []fakebroker.User{
		{Username: "alice", Password: "pw", User: domain.User{Name: "Alice"}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	auth := application.NewAuthManager(map[string]domain.IdentityProvider{"dev": broker},
		application.Options{StateLifetime: stateLifetime})
	mux := http.NewServeMux()
	web.NewAuthController(auth, web.AuthControllerOptions{}).Register(mux)
	mux.HandleFunc("/me", func(w http.ResponseWriter, r *http.Request) {
		if web.SessionFromContext(r.Context()).Try(domain.IdentityKey) == nil {
			w.WriteHeader(http.StatusUnauthorized)
		}
	})
	mux.HandleFunc("/tokens", func(w http.ResponseWriter, r *http.Request) {
		id, err := auth.Identity(r.Context(), web.SessionFromContext(r.Context()))
		if err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		fmt.Fprintf(w, "%s\n%s\n%s\n", id.AccessToken, id.RefreshToken, id.IDToken.Raw)
	})
	mw := web.NewSessionMiddleware(repo, signer, web.SessionOptions{Name: "s", MaxAge: time.Hour})
	return mw.Handler(mux)
}

// loggedInBrowser logs alice in through the fake broker's form and checks
// that the login succeeded.
func loggedInBrowser(t *testing.T, srv *httptest.Server) *http.Client {
	browser := fakeLogin(t, srv)
	if !loggedIn(t, srv, browser) {
		t.Fatal("the login did not succeed")
	}
	return browser
}

// fakeLogin logs alice in through the fake broker dev's form and returns
// her browser.
func fakeLogin(t *testing.T, srv *httptest.Server) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar}
	resp, err := browser.Get(srv.URL + "/auth/login/dev")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	resp, err = browser.PostForm(resp.Request.URL.String(), url.Values{"username": {"alice"}, "password": {"pw"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return browser
}

func loggedIn(t *testing.T, srv *httptest.Server, browser *http.Client) bool {
	resp, err := browser.Get(srv.URL + "/me")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// anonymousLoginStarts sends n cookieless GET /auth/login/dev.
func anonymousLoginStarts(t *testing.T, app http.Handler, n int) {
	for range n {
		rec := httptest.NewRecorder()
		app.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/auth/login/dev", nil))
		if rec.Code != http.StatusFound && rec.Code != http.StatusSeeOther {
			t.Fatalf("GET /auth/login/dev: %d", rec.Code)
		}
	}
}

// TestLoginFloodKeepsLoggedInUsers: with the memory backend capped at
// 1000 sessions, 50 logged-in users and then 10 000 cookieless login
// starts (ten times the cap): every user stays logged in.
func TestLoginFloodKeepsLoggedInUsers(t *testing.T) {
	const maxSessions, users, flood = 1000, 50, 10 * 1000
	injector := newInjector(t, map[string]any{
		"flamingo.session.memory.maxSessions": maxSessions, "flamingo.session.cookie.secure": false,
	})
	app := loginApp(t, repository(t, injector), time.Hour)
	srv := httptest.NewServer(app)
	defer srv.Close()
	browsers := make([]*http.Client, users)
	for i := range browsers {
		browsers[i] = loggedInBrowser(t, srv)
	}
	anonymousLoginStarts(t, app, flood)
	lost := 0
	for _, b := range browsers {
		if !loggedIn(t, srv, b) {
			lost++
		}
	}
	if lost > 0 {
		t.Fatalf("%d of %d logged-in users lost their session to %d anonymous login starts (cap %d sessions); want 0", lost, users, flood, maxSessions)
	}
}

// TestAnonymousLoginStartsAreShortLived: the record of a cookieless login
// start lives no longer than the login state, on the file backend and on
// Redis.
func TestAnonymousLoginStartsAreShortLived(t *testing.T) {
	const starts, stateLifetime = 100, 2 * time.Second
	t.Run("file", func(t *testing.T) {
		dir := t.TempDir()
		repo, err := filestore.New(filestore.Options{Dir: dir, MaxAge: time.Hour, SweepInterval: 200 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = repo.Close() })
		files := func() int {
			m, _ := filepath.Glob(filepath.Join(dir, "*.session"))
			return len(m)
		}
		wantRecordsGone(t, loginApp(t, repo, stateLifetime), starts, stateLifetime, files)
	})
	t.Run("redis", func(t *testing.T) {
		client := redistest.Standalone(t).Client(t)
		repo := redisstore.New(client, redisstore.Options{KeyPrefix: "flood:", MaxAge: time.Hour})
		// The records, their big-values hashes ("flood:{flood:<ID>}") aside.
		keys := func() int {
			k, err := client.Keys(context.Background(), "flood:*").Result()
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, key := range k {
				if !strings.Contains(key, "{") {
					n++
				}
			}
			return n
		}
		wantRecordsGone(t, loginApp(t, repo, stateLifetime), starts, stateLifetime, keys)
		if k, err := client.Keys(context.Background(), "flood:*").Result(); err != nil || len(k) != 0 {
			t.Fatalf("keys left with the records gone: %q (%v); want none", k, err)
		}
	})
}

func wantRecordsGone(t *testing.T, app http.Handler, starts int, lifetime time.Duration, records func() int) {
	t.Helper()
	anonymousLoginStarts(t, app, starts)
	// On a slow machine the first records may already be gone when the
	// last login start is done; some must still be there, or the test
	// would prove nothing.
	if n := records(); n == 0 || n > starts {
		t.Fatalf("%d records after %d anonymous login starts; want between 1 and %d", n, starts, starts)
	}
	deadline := time.Now().Add(lifetime + 2*time.Second)
	for records() > 0 && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	if n := records(); n > 0 {
		t.Fatalf("%d of %d records of anonymous login starts left %v after the state lifetime of %v; want 0", n, starts, lifetime+2*time.Second, lifetime)
	}
}
