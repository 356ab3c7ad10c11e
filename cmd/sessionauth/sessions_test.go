package main_test

import (
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	lib "github.com/sessionauth/sessionauth"
	"github.com/sessionauth/sessionauth/config"
	"github.com/sessionauth/sessionauth/interfaces/web"
	"github.com/sessionauth/sessionauth/internal/redistest"
)

// app serves the configuration of path with a fake broker dev, whose
// users log in at /auth/login/dev, and /me for logged-in users.
func app(t *testing.T, path string) *httptest.Server {
	t.Helper()
	cfg, err := config.LoadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sa, err := lib.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /me", web.RequireLogin(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		web.SessionFromContext(r.Context()).AddFlash("welcome back")
		fmt.Fprintln(w, "hello")
	})))
	mux.HandleFunc("GET /visit", func(w http.ResponseWriter, r *http.Request) {
		web.SessionFromContext(r.Context()).Store("visits", 1)
	})
	srv := httptest.NewServer(sa.Handler(mux))
	t.Cleanup(srv.Close)
	return srv
}

// logIn logs user in through the fake broker's form and returns the
// browser, with a user agent the session records.
func logIn(t *testing.T, srv *httptest.Server, user string) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar, Transport: agent{user + "'s browser"}}
	resp, err := browser.Get(srv.URL + "/auth/login/dev")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	resp, err = browser.PostForm(resp.Request.URL.String(), url.Values{"username": {user}, "password": {"pw"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if !loggedIn(t, srv, browser) {
		t.Fatalf("%s is not logged in", user)
	}
	return browser
}

type agent struct{ name string }

func (a agent) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("User-Agent", a.name)
	return http.DefaultTransport.RoundTrip(r)
}

func loggedIn(t *testing.T, srv *httptest.Server, browser *http.Client) bool {
	t.Helper()
	c := *browser
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := c.Get(srv.URL + "/me")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// sessionsConfig is a configuration of backend (its keys below
// flamingo.session) with the fake broker dev of alice and bob.
func sessionsConfig(t *testing.T, backend string) string {
	return configFile(t, fmt.Sprintf(`flamingo.session:
  secret: %q
  cookie.secure: false
%s
core.auth.web:
  tokenKey: %q
  broker:
    - broker: dev
      typ: fake
      users:
        - {username: alice, password: pw}
        - {username: bob, password: pw}
`, secret, backend, secret))
}

var handlePattern = regexp.MustCompile(`(?m)^dev\s+(\S+)\s`)

// handles are the handles sessions list printed.
func handles(t *testing.T, r run) []string {
	t.Helper()
	var out []string
	for _, m := range handlePattern.FindAllStringSubmatch(r.stdout, -1) {
		out = append(out, m[1])
	}
	return out
}

func TestSessions(t *testing.T) {
	for name, backend := range map[string]func(t *testing.T) string{
		"file": func(t *testing.T) string { return fmt.Sprintf("  backend: file\n  file: %q", t.TempDir()) },
		"redis": func(t *testing.T) string {
			return fmt.Sprintf("  backend: redis\n  redis.url: %q", redistest.Standalone(t).URL("", "", 0))
		},
		"redis cluster": func(t *testing.T) string {
			return fmt.Sprintf("  backend: redis\n  redis.host: %q\n  redis.clusterMode: true", strings.Join(redistest.Cluster(t, false).Addrs(), ","))
		},
	} {
		t.Run(name, func(t *testing.T) { testSessions(t, sessionsConfig(t, backend(t))) })
	}
}

func testSessions(t *testing.T, path string) {
	srv := app(t, path)
	laptop, phone, bob := logIn(t, srv, "alice"), logIn(t, srv, "alice"), logIn(t, srv, "bob")

	list := sessionauth(t, nil, "sessions", "list", "--config", path, "--sub", "alice")
	list.want(t, 0, list.stdout, "BROKER", "alice's browser")
	hs := handles(t, list)
	if len(hs) != 2 {
		t.Fatalf("handles %q, want 2\n%s", hs, list.stdout)
	}

	show := sessionauth(t, nil, "sessions", "show", "--config", path, "--sub", "alice", "--id", hs[0])
	show.want(t, 0, show.stdout, fmt.Sprintf(`session %s of "alice" at dev`, hs[0]), "sessionauth.identity", "domain.Identity",
		"access token:  (sealed, not shown) until", "userAgent:     alice's browser", "flashes:       1")
	if strings.Contains(show.stdout, "id:") {
		t.Errorf("show prints the session ID without --reveal:\n%s", show.stdout)
	}
	for _, c := range []*http.Client{laptop, phone} {
		for _, cookie := range c.Jar.Cookies(mustURL(t, srv.URL)) {
			list.hides(t, cookie.Value)
			show.hides(t, cookie.Value)
		}
	}
	revealed := sessionauth(t, nil, "sessions", "show", "--config", path, "--sub", "alice", "--reveal", "--id", hs[0])
	revealed.want(t, 0, revealed.stderr, "warning: --reveal prints session IDs")
	revealed.want(t, 0, revealed.stdout, "  id:            ")

	end := sessionauth(t, nil, "sessions", "end", "--config", path, "--sub", "alice", "--id", hs[0])
	end.want(t, 0, end.stdout, fmt.Sprintf(`ended the session %s of "alice" at dev`, hs[0]))
	if loggedIn(t, srv, laptop) == loggedIn(t, srv, phone) {
		t.Errorf("after ending one of two sessions: laptop logged in %v, phone %v", loggedIn(t, srv, laptop), loggedIn(t, srv, phone))
	}
	all := sessionauth(t, nil, "sessions", "end", "--config", path, "--sub", "alice", "--all-of-user", "--json")
	all.want(t, 0, all.stdout, `"ended": 1,`, `"sub": "alice",`)
	if loggedIn(t, srv, laptop) || loggedIn(t, srv, phone) || !loggedIn(t, srv, bob) {
		t.Errorf("after --all-of-user: alice's laptop %v, phone %v (want false), bob %v (want true)", loggedIn(t, srv, laptop), loggedIn(t, srv, phone), loggedIn(t, srv, bob))
	}
	none := sessionauth(t, nil, "sessions", "list", "--config", path, "--sub", "alice", "--broker", "dev")
	none.want(t, 0, none.stdout, `no sessions of "alice" at dev`)
}

func mustURL(t *testing.T, raw string) *url.URL {
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestSessionsFailures(t *testing.T) {
	file := sessionsConfig(t, fmt.Sprintf("  backend: file\n  file: %q", t.TempDir()))
	for _, c := range []struct {
		name string
		args []string
		code int
		text string
	}{
		{"unknown handle", []string{"show", "--config", file, "--sub", "alice", "--id", "nohandle"}, 1,
			`no session of "alice" has the handle "nohandle" (it ended, or the handle is mistyped)`},
		{"end unknown handle", []string{"end", "--config", file, "--sub", "alice", "--id", "nohandle"}, 1, `no session of "alice" has the handle "nohandle"`},
		{"end what", []string{"end", "--config", file, "--sub", "alice"}, 2, "say which sessions to end: --id HANDLE for one, or --all-of-user"},
		{"show what", []string{"show", "--config", file, "--sub", "alice"}, 2, "name the session with --id HANDLE"},
		{"no sub", []string{"list", "--config", file}, 2, "name the user with --sub"},
		{"no config", []string{"list", "--sub", "alice"}, 2, "name the application's configuration with --config config.yml"},
		{"unknown broker", []string{"list", "--config", file, "--sub", "alice", "--broker", "corp"}, 2, `no broker "corp" in the configuration; the brokers are dev`},
		{"memory", []string{"list", "--config", configFile(t, "core.auth.web.broker: [{broker: dev, typ: fake}]\n"), "--sub", "alice"}, 1,
			"the sessions live inside the application's process, out of this command's reach"},
		{"bad configuration", []string{"list", "--config", configFile(t, "flamingo.session.backnd: file\n"), "--sub", "alice"}, 1,
			"config key flamingo.session.backnd: no such key; did you mean flamingo.session.backend?"},
		{"unreachable redis", []string{"list", "--config", sessionsConfig(t, "  backend: redis\n  redis.host: \"127.0.0.1:1\"\n  redis.timeout: 1s"), "--sub", "alice"}, 1,
			`config key flamingo.session.redis.host = "127.0.0.1:1": Redis does not answer within 1s`},
		{"help", []string{"list", "-h"}, 0, "Usage: sessionauth sessions list"},
		{"no verb", nil, 2, "name one of list, show, end"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := sessionauth(t, nil, append([]string{"sessions"}, c.args...)...)
			r.want(t, c.code, r.stderr, c.text)
		})
	}
}
