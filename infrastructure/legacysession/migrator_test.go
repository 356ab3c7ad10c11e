package legacysession_test

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sessionauth/sessionauth/infrastructure/legacysession"
	"github.com/sessionauth/sessionauth/infrastructure/memorystore"
	"github.com/sessionauth/sessionauth/internal/redistest"
)

const secret = "flamingo-test-secret"

// legacyStore is one of Flamingo's backends with a visitor's session in it.
type legacyStore struct {
	source legacysession.Source
	cookie string
	put    func(encoded []byte) string // another visitor's gob-encoded Values; the cookie
	left   func(t *testing.T) int      // old records left (claim markers aside)
	ids    func(t *testing.T) []string // the IDs of the old records
}

func redisStore(t *testing.T) legacyStore {
	rdb := redistest.Standalone(t).Client(t)
	return legacyStore{
		source: legacysession.Redis(rdb, "session:", 1<<20),
		cookie: putRedisSession(t, rdb, legacyValues()),
		put:    func(b []byte) string { return putRedisRaw(t, rdb, b) },
		left: func(t *testing.T) int {
			keys, err := rdb.Keys(context.Background(), "session:*").Result()
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, k := range keys {
				if !strings.HasSuffix(k, ":sessionauth-migrating") {
					n++
				}
			}
			return n
		},
		ids: func(t *testing.T) []string {
			keys, err := rdb.Keys(context.Background(), "session:*").Result()
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, k := range keys {
				if id := strings.TrimPrefix(k, "session:"); legacysession.RedisID(id) {
					ids = append(ids, id)
				}
			}
			return ids
		},
	}
}

func fileStore(t *testing.T) legacyStore {
	dir := t.TempDir()
	return legacyStore{
		source: legacysession.File(legacysession.FileOptions{Dir: dir, Secrets: []string{"new-secret", secret}, MaxAge: 24 * time.Hour, MaxSize: 1 << 20}),
		cookie: putFileSession(t, dir, secret, legacyValues()),
		put:    func(b []byte) string { return putFileRaw(t, dir, secret, b) },
		left: func(t *testing.T) int {
			files, err := filepath.Glob(filepath.Join(dir, "session_*"))
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, f := range files {
				if !strings.HasSuffix(f, ".sessionauth-migrating") {
					n++
				}
			}
			return n
		},
		ids: func(t *testing.T) []string {
			entries, err := os.ReadDir(dir)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, e := range entries {
				if id, ok := legacysession.FileID(e.Name()); ok {
					ids = append(ids, id)
				}
			}
			return ids
		},
	}
}

var stores = map[string]func(*testing.T) legacyStore{"redis": redisStore, "file": fileStore}

// TestMigrateOnce: 20 parallel requests with one old cookie all get the old
// session's values under one new ID; exactly one session is made, the old
// record is gone, core/auth's login and non-string keys are left out.
func TestMigrateOnce(t *testing.T) {
	for name, storeOf := range stores {
		t.Run(name, func(t *testing.T) {
			st := storeOf(t)
			repo := memorystore.New(memorystore.Options{})
			m := legacysession.New(repo, st.source, legacysession.Options{Key: []byte(secret)})
			ids := make(chan string, 20)
			var wg sync.WaitGroup
			for range 20 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					s, err := m.Migrate(context.Background(), st.cookie)
					if err != nil || s == nil {
						t.Errorf("Migrate: %v, %v; want the old session", s, err)
						return
					}
					if s.IsNew() || s.Try("n") != 2 || len(s.Try("cart").(cart).Items) != 1 || s.Try("core.auth.oidc.main.sessiondata") != nil {
						t.Errorf("migrated session %v (new %v), want n=2, the cart and no core/auth login", s.Values, s.IsNew())
					}
					ids <- s.ID()
				}()
			}
			wg.Wait()
			close(ids)
			seen := map[string]bool{}
			for id := range ids {
				seen[id] = true
			}
			if len(seen) != 1 {
				t.Fatalf("20 parallel migrations made %d session IDs, want 1", len(seen))
			}
			if n := st.left(t); n != 0 {
				t.Fatalf("%d old records left, want none", n)
			}
		})
	}
}

// TestMigrateRefuses: values that are no cookie of the old store, forged
// or tampered ones, and unknown sessions give no session and no error.
func TestMigrateRefuses(t *testing.T) {
	for name, storeOf := range stores {
		t.Run(name, func(t *testing.T) {
			st := storeOf(t)
			m := legacysession.New(memorystore.New(memorystore.Options{}), st.source, legacysession.Options{Key: []byte(secret)})
			forged := putFileSession(t, t.TempDir(), "another secret", legacyValues())
			last := "A"
			if strings.HasSuffix(st.cookie, last) {
				last = "B"
			}
			tampered := st.cookie[:len(st.cookie)-1] + last // another ID, or a broken signature
			for _, cookie := range []string{"", "x", "../../etc/passwd", strings.Repeat("A", 103), forged, tampered, strings.Repeat("A", 5000)} {
				s, err := m.Migrate(context.Background(), cookie)
				if s != nil || err != nil {
					t.Errorf("Migrate(%.20q…): a session %v, error %v; want neither", cookie, s != nil, err)
				}
			}
			if n := st.left(t); n != 1 {
				t.Fatalf("%d old records left, want the visitor's 1 untouched", n)
			}
		})
	}
}

// TestMigrateUnregisteredType: a session holding a value whose type the
// new application does not register stays in the old store, the visitor
// gets a new session, and the log names the fix.
func TestMigrateUnregisteredType(t *testing.T) {
	for name, storeOf := range stores {
		t.Run(name, func(t *testing.T) {
			st := storeOf(t)
			cookie := st.put(unregisteredGob(t))
			var log bytes.Buffer
			m := legacysession.New(memorystore.New(memorystore.Options{}), st.source,
				legacysession.Options{Key: []byte(secret), Logger: slog.New(slog.NewTextHandler(&log, nil))})
			s, err := m.Migrate(context.Background(), cookie)
			if s != nil || err != nil {
				t.Fatalf("Migrate = %v, %v; want nothing", s, err)
			}
			if !strings.Contains(log.String(), "gob.Register") || strings.Contains(log.String(), cookie) {
				t.Fatalf("log %q: want the fix named and no cookie", log.String())
			}
			if n := st.left(t); n != 2 {
				t.Fatalf("%d old records left, want both untouched", n)
			}
		})
	}
}

// TestMigrateWindow: the old cookie opens the new session for the window
// after the move (the visitor's parallel requests), and nothing after it.
func TestMigrateWindow(t *testing.T) {
	for name, storeOf := range stores {
		t.Run(name, func(t *testing.T) {
			st := storeOf(t)
			const window = 1500 * time.Millisecond
			m := legacysession.New(memorystore.New(memorystore.Options{}), st.source,
				legacysession.Options{Key: []byte(secret), Wait: 100 * time.Millisecond, Window: window})
			first, err := m.Migrate(context.Background(), st.cookie)
			if err != nil || first == nil {
				t.Fatalf("Migrate = %v, %v; want the session", first, err)
			}
			if again, err := m.Migrate(context.Background(), st.cookie); err != nil || again == nil || again.ID() != first.ID() {
				t.Fatalf("the old cookie within the window: %v, %v; want the migrated session", again, err)
			}
			time.Sleep(window + 200*time.Millisecond)
			if late, err := m.Migrate(context.Background(), st.cookie); err != nil || late != nil {
				t.Fatalf("the old cookie after the window: a session %v, error %v; want neither", late != nil, err)
			}
		})
	}
}

// TestMigrateIDLongWindow: a session moved ahead of time by its stored ID
// with a long window (the command's, flamingo.session.max.age) is found
// with the old cookie by a migrator of a short window (the application's),
// after the short window has passed.
func TestMigrateIDLongWindow(t *testing.T) {
	for name, storeOf := range stores {
		t.Run(name, func(t *testing.T) {
			st := storeOf(t)
			repo := memorystore.New(memorystore.Options{})
			ahead := legacysession.New(repo, st.source, legacysession.Options{Key: []byte(secret), Window: time.Hour})
			live := legacysession.New(repo, st.source,
				legacysession.Options{Key: []byte(secret), Wait: 100 * time.Millisecond, Window: 100 * time.Millisecond})
			id := storedID(t, st)
			if ok, err := ahead.ReadableID(context.Background(), id); !ok || err != nil {
				t.Fatalf("ReadableID = %v, %v; want true", ok, err)
			}
			moved, err := ahead.MigrateID(context.Background(), id)
			if err != nil || moved == nil {
				t.Fatalf("MigrateID = %v, %v; want the session", moved, err)
			}
			time.Sleep(300 * time.Millisecond) // past the application's window
			s, err := live.Migrate(context.Background(), st.cookie)
			if err != nil || s == nil || s.ID() != moved.ID() {
				t.Fatalf("the old cookie after the move ahead of time: %v, %v; want the moved session", s, err)
			}
			if s, err := ahead.MigrateID(context.Background(), "not-an-id"); s != nil || err != nil {
				t.Fatalf("MigrateID of a malformed ID = %v, %v; want neither", s, err)
			}
		})
	}
}

// storedID is the old session ID of the store's visitor, as a migration of
// the whole store finds it: the Redis key less its prefix, the file's name.
func storedID(t *testing.T, st legacyStore) string {
	t.Helper()
	if ids := st.ids(t); len(ids) == 1 {
		return ids[0]
	}
	t.Fatal("want exactly one old session in the store")
	return ""
}
