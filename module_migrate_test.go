package sessionauth_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base32"
	"encoding/gob"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"flamingo.me/dingo"
	"github.com/redis/go-redis/v9"

	"github.com/sessionauth/sessionauth/infrastructure/gorillabridge"
	"github.com/sessionauth/sessionauth/internal/redistest"
)

// putFlamingoRedisSession stores values as Flamingo's Redis backend does:
// gob-encoded under "session:" + an unsigned base32 ID, which is the
// cookie value it returns.
func putFlamingoRedisSession(t *testing.T, rdb redis.UniversalClient, values map[any]any) string {
	t.Helper()
	var b bytes.Buffer
	if err := gob.NewEncoder(&b).Encode(values); err != nil {
		t.Fatal(err)
	}
	k := make([]byte, 64)
	_, _ = rand.Read(k)
	id := strings.TrimRight(base32.StdEncoding.EncodeToString(k), "=")
	if err := rdb.Set(context.Background(), "session:"+id, b.Bytes(), time.Hour).Err(); err != nil {
		t.Fatal(err)
	}
	return id
}

// TestMigrateFromAnotherRedis: the sessions of Flamingo's Redis backend
// come over from a Redis that is not the new backend's, named by the
// migrate.redis.* keys, into the memory, file and another Redis backend.
func TestMigrateFromAnotherRedis(t *testing.T) {
	old := redistest.Start(t, redistest.Options{Password: "old-pw"})
	oldDB2 := redis.NewClient(&redis.Options{Addr: old.Addr, Password: "old-pw", DB: 2})
	t.Cleanup(func() { _ = oldDB2.Close() })
	next := redistest.Standalone(t)
	oldTLS := redistest.TLS(t)
	oldTLSClient := oldTLS.Client(t)
	tests := []struct {
		name string
		old  redis.UniversalClient
		cfg  map[string]any
	}{
		{"rediss url with its CA, to memory", oldTLSClient, map[string]any{"flamingo.session.backend": "memory",
			"flamingo.session.migrate.redis.url": oldTLS.URL("", "", 0), "flamingo.session.migrate.redis.tlsCAFile": oldTLS.Certs.CA}},
		{"url, to memory", oldDB2, map[string]any{"flamingo.session.backend": "memory", "flamingo.session.migrate.redis.url": old.URL("", "old-pw", 2)}},
		{"keys, to file", oldDB2, map[string]any{"flamingo.session.backend": "file", "flamingo.session.file": t.TempDir(),
			"flamingo.session.migrate.redis.host": old.Addr, "flamingo.session.migrate.redis.password": "old-pw", "flamingo.session.migrate.redis.database": 2}},
		{"keys, to another redis", oldDB2, map[string]any{"flamingo.session.backend": "redis", "flamingo.session.redis.host": next.Addr,
			"flamingo.session.migrate.redis.host": old.Addr, "flamingo.session.migrate.redis.password": "old-pw", "flamingo.session.migrate.redis.database": 2}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.cfg["flamingo.session.migrate.from"] = "redis"
			injector := newInjector(t, tc.cfg)
			id := putFlamingoRedisSession(t, tc.old, map[any]any{"counter": 7})
			cookie := migrateOnce(t, injector, id, 7)
			if cookie == "" || cookie == id {
				t.Errorf("cookie after the migration = %q; want a new one", cookie)
			}
			if n, err := tc.old.Exists(context.Background(), "session:"+id).Result(); err != nil || n != 0 {
				t.Errorf("old record exists = %d, %v; want it deleted", n, err)
			}
		})
	}
	if keys, err := next.Client(t).Keys(context.Background(), "session:*").Result(); err != nil || len(keys) != 0 {
		t.Errorf("new Redis holds keys of the old prefix: %v, %v; want none", keys, err)
	}
}

// migrateOnce sends the old cookie id to the injector's gorilla store and
// checks that the counter came over; it returns the new cookie value.
func migrateOnce(t *testing.T, injector *dingo.Injector, id string, counter int) string {
	t.Helper()
	v, err := injector.GetInstance(new(gorillabridge.Store))
	if err != nil {
		t.Fatal(err)
	}
	store := v.(*gorillabridge.Store)
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.AddCookie(&http.Cookie{Name: "flamingo", Value: id})
	gs, err := store.Get(r, "flamingo")
	if err != nil || gs.Values["counter"] != counter {
		t.Fatalf("session after the migration = %v, %v; want counter %d", gs.Values, err, counter)
	}
	w := httptest.NewRecorder()
	if err := store.Save(r, w, gs); err != nil {
		t.Fatal(err)
	}
	for _, c := range w.Result().Cookies() {
		if c.Name == "flamingo" {
			return c.Value
		}
	}
	return ""
}
