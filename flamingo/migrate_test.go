package sessionauthflamingo_test

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/sessionauth/sessionauth/internal/redistest"
)

// legacyShop is a shop that ran on one of Flamingo's own session backends
// and switches to sessionauth's: its old and its new configuration and
// what the test can see of its stores.
type legacyShop struct {
	old, ours func(migrate bool) map[string]any
	legacy    func(t *testing.T, cookie string) int // old records left (of this visitor for Redis), claim markers aside
	sessions  func(t *testing.T) int                // sessions sessionauth holds
}

func redisShop(t *testing.T) legacyShop {
	srv := redistest.Standalone(t)
	rdb := srv.Client(t)
	ctx := context.Background()
	// count counts the keys of pattern, leaving out the big-values hashes
	// of sessionauth's records ("<prefix>{<prefix><ID>}").
	count := func(t *testing.T, pattern string) int {
		keys, err := rdb.Keys(ctx, pattern).Result()
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, k := range keys {
			if !strings.Contains(k, "{") {
				n++
			}
		}
		return n
	}
	return legacyShop{
		old: func(bool) map[string]any {
			return flamingoConfig(map[string]any{"backend": "redis", "redis": map[string]any{"host": srv.Addr}})
		},
		ours: func(migrate bool) map[string]any {
			c := baseConfig("redis")
			session(c)["redis"] = map[string]any{"host": srv.Addr, "keyPrefix": "sessionauth:"}
			if migrate { // the old prefix, since the new one differs
				session(c)["migrate"] = map[string]any{"from": "redis", "keyPrefix": "session:"}
			}
			return c
		},
		legacy:   func(t *testing.T, cookie string) int { return count(t, "session:"+cookie) },
		sessions: func(t *testing.T) int { return count(t, "sessionauth:*") },
	}
}

func fileShop(t *testing.T) legacyShop {
	dir := t.TempDir()
	count := func(t *testing.T, match func(string) bool) int {
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, e := range entries {
			if match(e.Name()) {
				n++
			}
		}
		return n
	}
	return legacyShop{
		old: func(bool) map[string]any {
			return flamingoConfig(map[string]any{"backend": "file", "file": dir})
		},
		ours: func(migrate bool) map[string]any {
			c := baseConfig("file")
			session(c)["file"] = dir // the same directory: Flamingo's files are session_<ID>, ours <ID>.session
			if migrate {
				session(c)["migrate"] = map[string]any{"from": "file"}
			}
			return c
		},
		legacy: func(t *testing.T, _ string) int {
			return count(t, func(n string) bool {
				return strings.HasPrefix(n, "session_") && filepath.Ext(n) != ".sessionauth-migrating"
			})
		},
		sessions: func(t *testing.T) int { return count(t, func(n string) bool { return filepath.Ext(n) == ".session" }) },
	}
}

// flamingoConfig is the configuration of an application on Flamingo's own
// session backend, with the secret the switch keeps.
func flamingoConfig(s map[string]any) map[string]any {
	s["secret"] = "flamingo-test-secret"
	s["cookie"] = map[string]any{"secure": false}
	return map[string]any{"flamingo": map[string]any{"session": s}}
}

// TestFlamingoSwitchKeepsSessions runs a shop on Flamingo's own Redis and
// file backends, fills a visitor's session (a counter and a gob-registered
// cart), and restarts it on sessionauth's repository with the migration
// setting: 20 parallel first requests of the visitor's cookie jar all see
// the old session, exactly one new session is made, the cookie changes,
// the old record is gone, and the session goes on counting.
func TestFlamingoSwitchKeepsSessions(t *testing.T) {
	for name, shopOf := range map[string]func(*testing.T) legacyShop{"redis": redisShop, "file": fileShop} {
		t.Run(name, func(t *testing.T) {
			shop := shopOf(t)
			c, legacy := oldVisitor(t, startFlamingo(t, shop.old(true), flamingoOnly))
			if shop.legacy(t, legacy) != 1 {
				t.Fatalf("Flamingo's %s backend holds %d records of the visitor, want 1", name, shop.legacy(t, legacy))
			}
			base := startFlamingo(t, shop.ours(true), custom)
			parallel(t, 20, func() { wantBody(t, c, base+"/read", "2") })
			if n := shop.sessions(t); n != 1 {
				t.Fatalf("20 parallel first requests after the switch made %d sessions, want exactly 1", n)
			}
			if n := shop.legacy(t, legacy); n != 0 {
				t.Fatalf("%d old records left after the migration, want none", n)
			}
			if now := cookie(t, c, base); now == legacy || now == "" {
				t.Fatalf("the cookie after the switch is %q, want a new one", now)
			}
			wantBody(t, c, base+"/", "3")
			wantBody(t, c, base+"/cart", "apple")
		})
	}
}

// TestFlamingoSwitchWithoutMigration: the same switch without the setting
// gives the visitor a new session, and the old record stays untouched.
func TestFlamingoSwitchWithoutMigration(t *testing.T) {
	for name, shopOf := range map[string]func(*testing.T) legacyShop{"redis": redisShop, "file": fileShop} {
		t.Run(name, func(t *testing.T) {
			shop := shopOf(t)
			c, legacy := oldVisitor(t, startFlamingo(t, shop.old(false), flamingoOnly))
			base := startFlamingo(t, shop.ours(false), custom)
			wantBody(t, c, base+"/cart", "")
			wantBody(t, c, base+"/", "1")
			if n := shop.legacy(t, legacy); n != 1 {
				t.Fatalf("%d old records after the switch without migration, want the 1 untouched", n)
			}
		})
	}
}

// oldVisitor counts to 2 and puts an apple in the cart at base, and returns
// the visitor's cookie jar and the old store's cookie.
func oldVisitor(t *testing.T, base string) (*http.Client, string) {
	t.Helper()
	c := browser(t)
	wantBody(t, c, base+"/", "1")
	wantBody(t, c, base+"/", "2")
	wantBody(t, c, base+"/cart?add=apple", "apple")
	return c, cookie(t, c, base)
}

// parallel runs f n times at once.
func parallel(t *testing.T, n int, f func()) {
	t.Helper()
	var wg sync.WaitGroup
	start := make(chan struct{})
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			f()
		}()
	}
	close(start)
	wg.Wait()
}
