package main_test

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"flamingo.me/dingo"
	"github.com/gorilla/securecookie"

	lib "github.com/sessionauth/sessionauth"
	"github.com/sessionauth/sessionauth/config"
	"github.com/sessionauth/sessionauth/infrastructure/gorillabridge"
)

// legacyFile writes values as Flamingo's file backend does (gorilla's
// FilesystemStore): signed, to session_<ID> in dir; it returns the ID
// (of 32 random bytes, as that backend makes them) and the cookie value,
// the ID signed.
func legacyFile(t *testing.T, dir string, values map[any]any) (id, cookie string) {
	t.Helper()
	id = legacyID()[:52]
	content, err := securecookie.New([]byte(secret), nil).SetSerializer(securecookie.NopEncoder{}).Encode("flamingo", legacyRecord(t, values))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "session_"+id), []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	if cookie, err = securecookie.New([]byte(secret), nil).Encode("flamingo", id); err != nil {
		t.Fatal(err)
	}
	return id, cookie
}

func TestMigrateFile(t *testing.T) {
	oldDir, newDir := t.TempDir(), t.TempDir()
	path := sessionsConfig(t, "  backend: file\n  file: "+strconv.Quote(newDir)+"\n  migrate.from: file\n  migrate.file: "+strconv.Quote(oldDir))
	a, cookie := legacyFile(t, oldDir, map[any]any{"cart": "3 books", "core.auth.oidc.main.token": "tok"})
	b, _ := legacyFile(t, oldDir, map[any]any{"cart": "1 lamp"})
	bad, _ := legacyFile(t, oldDir, map[any]any{"x": unknownType{N: 1}})
	if err := os.WriteFile(filepath.Join(oldDir, "notes.txt"), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	exists := func(ids ...string) int {
		n := 0
		for _, id := range ids {
			if _, err := os.Stat(filepath.Join(oldDir, "session_"+id)); err == nil {
				n++
			}
		}
		return n
	}

	dry := sessionauth(t, nil, "migrate", "--config", path, "--from", "file", "--dry-run")
	dry.want(t, 0, dry.stdout, "would move: 2\n", "skipped: 1\n", "legacy session migration: file: the old session cannot be read: decode:", "failed: 0\n", "other keys: 1\n")
	if n := exists(a, b); n != 2 {
		t.Fatalf("the dry run moved sessions: %d of 2 old ones left", n)
	}
	run := sessionauth(t, nil, "migrate", "--config", path, "--from", "file", "--rate", "0")
	run.want(t, 0, run.stdout, "moved: 2\n", "skipped: 1\n", "failed: 0\n", "other keys: 1\n")
	if n := exists(a, b, bad); n != 1 {
		t.Fatalf("%d old sessions left, want the one that cannot be read", n)
	}
	again := sessionauth(t, nil, "migrate", "--config", path, "--from", "file")
	again.want(t, 0, again.stdout, "moved: 0\n", "skipped: 1\n", "other keys: 3\n") // notes.txt and the two moves' markers
	run.hides(t, a, b, bad, cookie)

	// The old cookie opens the moved session for as long as the old cookie
	// could live (max.age, 30 days by default): the marker holds the time
	// its claim ends, which the application honours whatever its own
	// window (seconds); the file's modification time, backdated an hour
	// here, no longer decides.
	marker := filepath.Join(oldDir, "session_"+a+".sessionauth-migrating")
	end, err := os.ReadFile(marker)
	if err != nil {
		t.Fatal(err)
	}
	if ns, err := strconv.ParseInt(string(end), 10, 64); err != nil || time.Until(time.Unix(0, ns)) < 29*24*time.Hour {
		t.Errorf("the marker holds %q; want an end 30 days from now", end)
	}
	hourAgo := time.Now().Add(-time.Hour)
	if err := os.Chtimes(marker, hourAgo, hourAgo); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.LoadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	injector, err := dingo.NewInjector(lib.ConfigModule(cfg), new(lib.SessionModule))
	if err != nil {
		t.Fatal(err)
	}
	store, err := lib.Get[*gorillabridge.Store](injector)
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.AddCookie(&http.Cookie{Name: "flamingo", Value: cookie})
	sess, err := store.Get(req, "flamingo")
	if err != nil || sess.Values["cart"] != "3 books" || sess.Values["core.auth.oidc.main.token"] != nil {
		t.Errorf("the old cookie's visitor has %v, %v; want the cart without Flamingo's token", sess.Values, err)
	}
}
