package main_test

import (
	"fmt"
	"net"
	"strings"
	"testing"

	"github.com/sessionauth/sessionauth/internal/redistest"
)

// TestSessionsCookie: with the cookie backend and revocation on Redis,
// sessions lists a user's sessions from the revocation store's index and
// ends them: the browser whose session ended is logged out at its next
// request.
func TestSessionsCookie(t *testing.T) {
	redisURL := redistest.Standalone(t).URL("", "", 0)
	path := sessionsConfig(t, fmt.Sprintf("  backend: cookie\n  cookie.revocation: redis\n  redis.url: %q", redisURL))
	srv := app(t, path)
	laptop, phone, bob := logIn(t, srv, "alice"), logIn(t, srv, "alice"), logIn(t, srv, "bob")

	list := sessionauth(t, nil, "sessions", "list", "--config", path, "--sub", "alice")
	list.want(t, 0, list.stdout, "BROKER", "alice's browser")
	hs := handles(t, list)
	if len(hs) != 2 {
		t.Fatalf("handles %q, want 2\n%s", hs, list.stdout)
	}
	end := sessionauth(t, nil, "sessions", "end", "--config", path, "--sub", "alice", "--id", hs[0])
	end.want(t, 0, end.stdout, fmt.Sprintf(`ended the session %s of "alice" at dev`, hs[0]))
	if loggedIn(t, srv, laptop) == loggedIn(t, srv, phone) {
		t.Errorf("after ending one of two sessions: laptop logged in %v, phone %v", loggedIn(t, srv, laptop), loggedIn(t, srv, phone))
	}
	all := sessionauth(t, nil, "sessions", "end", "--config", path, "--sub", "alice", "--all-of-user", "--json")
	all.want(t, 0, all.stdout, `"ended": 1,`)
	if loggedIn(t, srv, laptop) || loggedIn(t, srv, phone) || !loggedIn(t, srv, bob) {
		t.Errorf("after --all-of-user: alice's laptop %v, phone %v (want false), bob %v (want true)", loggedIn(t, srv, laptop), loggedIn(t, srv, phone), loggedIn(t, srv, bob))
	}
}

// TestCookieBackendCommands: without revocation, sessions says that the
// sessions live in the visitors' browsers, and check warns of what that
// means; stats says there is nothing to count; check --connect pings the
// revocation Redis.
func TestCookieBackendCommands(t *testing.T) {
	plain := sessionsConfig(t, "  backend: cookie")
	r := sessionauth(t, nil, "sessions", "list", "--config", plain, "--sub", "alice")
	r.want(t, 1, r.stderr, "the sessions live in the visitors' browsers, out of this command's reach; set flamingo.session.cookie.revocation to redis")
	st := sessionauth(t, nil, "stats", "--config", plain)
	st.want(t, 1, st.stderr, `flamingo.session.backend = "cookie": the sessions live in the visitors' browsers`)
	c := sessionauth(t, nil, "check", plain)
	c.want(t, 0, c.stderr, "without flamingo.session.cookie.revocation: the sessions live in the visitors' browsers")
	c.want(t, 0, c.stdout, "the configuration is usable")
	if strings.Contains(c.stdout+c.stderr, "not a built-in backend") {
		t.Errorf("check does not know the cookie backend:\n%s", c.stdout)
	}

	srv := redistest.Standalone(t)
	withRedis := sessionsConfig(t, fmt.Sprintf("  backend: cookie\n  cookie.revocation: redis\n  redis.url: %q", srv.URL("", "", 0)))
	ok := sessionauth(t, nil, "check", "--connect", withRedis)
	ok.want(t, 0, ok.stdout, "ok   revocation redis (flamingo.session.cookie.revocation): answers PING at "+srv.Addr)

	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	down := sessionsConfig(t, fmt.Sprintf("  backend: cookie\n  cookie.revocation: redis\n  redis.host: %q\n  redis.timeout: 1s", addr))
	fail := sessionauth(t, nil, "check", "--connect", down)
	fail.want(t, 1, fail.stdout, "FAIL revocation redis (flamingo.session.cookie.revocation): config key flamingo.session.redis.host")
}
