package redisstore_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/infrastructure/redisstore"
	"github.com/sessionauth/sessionauth/internal/redistest"
)

// cachedIDs returns which of ids a load serves from memory.
func cachedIDs(t *testing.T, in *cacheInstance, ids []string) map[string]bool {
	t.Helper()
	got := map[string]bool{}
	for _, id := range ids {
		if in.trips.During(func() { mustLoad(t, in.repo, id) }) == 0 {
			got[id] = true
		}
	}
	return got
}

// The caps hold: a full cache evicts the least recently used session of
// the lowest rank, and a flood of anonymous sessions never pushes out a
// logged-in one.
func TestClientCacheEviction(t *testing.T) {
	srv := redistest.Standalone(t)
	admin := srv.Client(t)
	t.Run("entries, least recently used first", func(t *testing.T) {
		in := newCacheInstance(t, srv.Client(t), redisstore.Options{KeyPrefix: "e1:", MaxAge: time.Hour,
			ClientCache: redisstore.ClientCacheOptions{MaxEntries: 3}})
		ids := saveMany(t, admin, in, "e1:", 4, func(i int) map[string]any { return map[string]any{"n": i} })
		for _, id := range ids[:3] {
			mustLoad(t, in.repo, id)
		}
		mustLoad(t, in.repo, ids[0]) // now ids[1] is the least recently used
		mustLoad(t, in.repo, ids[3]) // evicts ids[1]
		got := cachedIDs(t, in, []string{ids[0], ids[2], ids[3]})
		if len(got) != 3 {
			t.Fatalf("cached %v of the three most recently used; want all", got)
		}
		if n, _ := in.repo.ClientCacheStats(); n != 3 {
			t.Fatalf("the cache holds %d sessions; want the cap, 3", n)
		}
	})
	t.Run("a full cache of logged-in sessions takes no anonymous one", func(t *testing.T) {
		in := newCacheInstance(t, srv.Client(t), redisstore.Options{KeyPrefix: "e3:", MaxAge: time.Hour,
			ClientCache: redisstore.ClientCacheOptions{MaxEntries: 10}})
		users := saveMany(t, admin, in, "e3:", 10, func(i int) map[string]any { return map[string]any{domain.IdentityKey: fmt.Sprint("user", i)} })
		for _, id := range users {
			mustLoad(t, in.repo, id)
		}
		anons := saveMany(t, admin, in, "e3:", 20, func(i int) map[string]any { return map[string]any{"cart": i} })
		for _, id := range anons {
			mustLoad(t, in.repo, id)
		}
		if got := cachedIDs(t, in, users); len(got) != len(users) {
			t.Fatalf("after 20 anonymous sessions, %d of 10 logged-in sessions are cached; want all", len(got))
		}
	})
	t.Run("logged-in sessions stay", func(t *testing.T) {
		pad := strings.Repeat("x", 1000)
		in := newCacheInstance(t, srv.Client(t), redisstore.Options{KeyPrefix: "e2:", MaxAge: time.Hour,
			ClientCache: redisstore.ClientCacheOptions{MaxBytes: 25000}})
		users := saveMany(t, admin, in, "e2:", 10, func(i int) map[string]any {
			return map[string]any{domain.IdentityKey: fmt.Sprint("user", i), "pad": pad}
		})
		for _, id := range users {
			mustLoad(t, in.repo, id)
		}
		anons := saveMany(t, admin, in, "e2:", 50, func(i int) map[string]any { return map[string]any{"cart": i, "pad": pad} })
		for _, id := range anons {
			mustLoad(t, in.repo, id)
		}
		if got := cachedIDs(t, in, users); len(got) != len(users) {
			t.Fatalf("after 50 anonymous sessions, %d of 10 logged-in sessions are cached; want all", len(got))
		}
		if _, b := in.repo.ClientCacheStats(); b > 25000 {
			t.Fatalf("the cache holds %d bytes; the cap is 25000", b)
		}
		if got := cachedIDs(t, in, anons[len(anons)-1:]); len(got) != 1 {
			t.Fatal("the last anonymous session loaded is not cached; want it in the room the logged-in ones leave")
		}
	})
}

// saveMany saves n sessions with values(i) and waits until in heard of
// them, so that loads fill the cache.
func saveMany(t *testing.T, admin *redis.Client, in *cacheInstance, prefix string, n int, values func(int) map[string]any) []string {
	t.Helper()
	ids := make([]string, n)
	for i := range ids {
		ids[i] = saveNew(t, in.repo, values(i)).ID()
	}
	settle(t, admin, prefix, in)
	return ids
}
