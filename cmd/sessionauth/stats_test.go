package main_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/sessionauth/sessionauth/internal/redistest"
)

// visit sends n cookieless requests to path: each makes a session.
func visit(t *testing.T, url string, n int) {
	t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for range n {
		resp, err := c.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
}

func TestStats(t *testing.T) {
	for name, backend := range map[string]func(t *testing.T) string{
		"file": func(t *testing.T) string { return fmt.Sprintf("  backend: file\n  file: %q", t.TempDir()) },
		"redis": func(t *testing.T) string {
			return fmt.Sprintf("  backend: redis\n  redis.url: %q", redistest.Standalone(t).URL("", "", 0))
		},
		"redis cluster": func(t *testing.T) string {
			return fmt.Sprintf("  backend: redis\n  redis.host: %q\n  redis.clusterMode: true", strings.Join(redistest.Cluster(t, false).Addrs(), ","))
		},
	} {
		t.Run(name, func(t *testing.T) { testStats(t, sessionsConfig(t, backend(t))) })
	}
}

func testStats(t *testing.T, path string) {
	srv := app(t, path)
	logIn(t, srv, "alice")
	logIn(t, srv, "bob")
	visit(t, srv.URL+"/auth/login/dev", 3)
	visit(t, srv.URL+"/visit", 4)

	r := sessionauth(t, nil, "stats", "--config", path, "--json", "--rate", "0")
	var tally struct {
		Total   struct{ Sessions, Bytes int }
		Kinds   map[string]struct{ Sessions, Bytes int }
		Largest []struct {
			Session, Kind string
			Bytes         int
		}
		Expiry []struct {
			Within   string
			Sessions int
		}
	}
	if err := json.Unmarshal([]byte(r.stdout), &tally); err != nil || r.code != 0 {
		t.Fatalf("exit %d, %v\nstdout:\n%s\nstderr:\n%s", r.code, err, r.stdout, r.stderr)
	}
	for kind, want := range map[string]int{"logged in": 2, "pending login": 3, "anonymous": 4} {
		if got := tally.Kinds[kind].Sessions; got != want {
			t.Errorf("%s: %d sessions, want %d", kind, got, want)
		}
	}
	if tally.Total.Sessions != 9 || len(tally.Largest) != 9 || tally.Largest[0].Kind != "logged in" || tally.Largest[0].Bytes < tally.Largest[8].Bytes {
		t.Errorf("total %+v, largest %+v", tally.Total, tally.Largest)
	}
	if !strings.HasPrefix(tally.Largest[0].Session, "#") || len(tally.Largest[0].Session) != 13 {
		t.Errorf("a masked ID is %q, want # and 12 hex digits", tally.Largest[0].Session)
	}
	pending, inMonth := 0, 0
	for _, b := range tally.Expiry {
		switch b.Within {
		case "1 hour":
			pending = b.Sessions
		case "30 days":
			inMonth = b.Sessions
		}
	}
	if pending != 3 || inMonth != 6 {
		t.Errorf("expiry %+v: want the 3 pending logins within the hour, the 6 others within 30 days", tally.Expiry)
	}
	r.want(t, 0, r.stderr, "scanned ")
	text := sessionauth(t, nil, "stats", "--config", path)
	text.want(t, 0, text.stdout, "sessions: 9, ", "  logged in             2  ", "  pending login         3  ", "  anonymous             4  ", "largest:\n  #")
}

func TestStatsFailures(t *testing.T) {
	for _, c := range []struct {
		name string
		args []string
		code int
		text string
	}{
		{"memory", []string{"--config", configFile(t, "core.auth.web.broker: [{broker: dev, typ: fake}]\n")}, 1, "the sessions live inside the application's process"},
		{"unreachable redis", []string{"--config", configFile(t, "flamingo.session: {backend: redis, redis.host: \"127.0.0.1:1\", redis.timeout: 1s}\n")}, 1,
			`config key flamingo.session.redis.host = "127.0.0.1:1": Redis does not answer within 1s`},
		{"negative rate", []string{"--config", "x.yml", "--rate", "-1"}, 2, "--rate must not be negative"},
		{"no config", nil, 2, "name the application's configuration with --config config.yml"},
		{"help", []string{"-h"}, 0, "Usage: sessionauth stats"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := sessionauth(t, nil, append([]string{"stats"}, c.args...)...)
			r.want(t, c.code, r.stderr, c.text)
		})
	}
}
