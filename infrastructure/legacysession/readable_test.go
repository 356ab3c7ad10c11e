package legacysession_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/sessionauth/sessionauth/infrastructure/legacysession"
	"github.com/sessionauth/sessionauth/infrastructure/memorystore"
)

// TestReadable: an old session reads without moving; a cookie of no
// session, and one that is not this store's, read as absent; a record with
// a type nobody registered is an error; after the move nothing is found.
func TestReadable(t *testing.T) {
	for name, newStore := range stores {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			st := newStore(t)
			repo := memorystore.New(memorystore.Options{MaxAge: time.Hour})
			t.Cleanup(func() { _ = repo.Close() })
			m := legacysession.New(repo, st.source, legacysession.Options{Key: []byte("k")})
			if found, err := m.Readable(ctx, st.cookie); !found || err != nil || st.left(t) != 1 || repo.Len() != 0 {
				t.Fatalf("Readable = %v, %v; %d old records, %d new sessions; want found, nothing moved", found, err, st.left(t), repo.Len())
			}
			if found, err := m.Readable(ctx, "not a cookie"); found || err != nil {
				t.Errorf("Readable of a foreign cookie = %v, %v", found, err)
			}
			bad := st.put(unregisteredGob(t))
			if _, err := m.Readable(ctx, bad); err == nil || !strings.Contains(err.Error(), "the old session cannot be read") {
				t.Errorf("Readable of an unregistered type: %v", err)
			}
			if s, err := m.Migrate(ctx, st.cookie); s == nil || err != nil {
				t.Fatalf("Migrate = %v, %v", s, err)
			}
			if found, err := m.Readable(ctx, st.cookie); found || err != nil {
				t.Errorf("Readable after the move = %v, %v", found, err)
			}
		})
	}
}

func TestRedisID(t *testing.T) {
	for id, want := range map[string]bool{
		strings.Repeat("A", 103): true, strings.Repeat("A", 103) + ":sessionauth-migrating": false, "abc": false, "": false,
	} {
		if got := legacysession.RedisID(id); got != want {
			t.Errorf("RedisID(%q) = %v", id, got)
		}
	}
}
