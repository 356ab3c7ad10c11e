package redisstore_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/sessionauth/sessionauth/infrastructure/redisstore"
	"github.com/sessionauth/sessionauth/internal/redistest"
)

// The contract suite runs against every way of reaching Redis that
// NewClient offers; the runs are parallel, as the suite mostly waits for
// sessions to expire.

func TestRepositoryStandalone(t *testing.T) {
	t.Parallel()
	srv := redistest.Standalone(t)
	client := newClient(t, redisstore.ClientOptions{Host: srv.Addr})
	contract(t, client, client, "session:", garbageValue)
}

func TestRepositoryTLSByURL(t *testing.T) {
	t.Parallel()
	srv := redistest.TLS(t)
	client := newClient(t, redisstore.ClientOptions{URL: srv.URL("", "", 0), TLSCAFile: srv.Certs.CA})
	contract(t, client, client, "", wrongType)
}

func TestRepositoryACLUserByURL(t *testing.T) {
	t.Parallel()
	// The rights docs/backends.md gives for the session user, no more.
	srv := redistest.ACL(t, "app", "app-secret", "~sess:*", "+@hash", "+@sortedset", "+@keyspace", "+@scripting", "+ping", "+select")
	client := newClient(t, redisstore.ClientOptions{URL: srv.URL("app", "app-secret", 2)})
	admin := redis.NewClient(&redis.Options{Addr: srv.Addr, Password: srv.Password, DB: 2})
	defer admin.Close()
	contract(t, client, admin, "sess:", noMeta)

	ctx := context.Background()
	if err := client.HSet(ctx, "other:key", "f", "x").Err(); err == nil || !strings.Contains(err.Error(), "NOPERM") {
		t.Fatalf("HSET outside the user's key pattern = %v, want NOPERM: the ACL does not apply", err)
	}
	if n, err := srv.Client(t).DBSize(ctx).Result(); err != nil || n != 0 {
		t.Fatalf("database 0 holds %d keys (%v); the sessions belong in database 2", n, err)
	}
}

func TestRepositoryCluster(t *testing.T) {
	t.Parallel()
	cluster := redistest.Cluster(t, false)
	client := newClient(t, redisstore.ClientOptions{Host: strings.Join(cluster.Addrs(), ","), ClusterMode: true})
	contract(t, client, client, "session:", wrongType)
	t.Run("OneKeyPerSession", func(t *testing.T) { testOneKeyPerSession(t, client.(*redis.ClusterClient)) })
}

func TestRepositoryTLSClusterByOption(t *testing.T) {
	t.Parallel()
	cluster := redistest.Cluster(t, true)
	client := newClient(t, redisstore.ClientOptions{
		Host: strings.Join(cluster.Addrs(), ","), ClusterMode: true, TLS: true, TLSCAFile: cluster.Nodes[0].Certs.CA,
	})
	contract(t, client, client, "", garbageValue)
}

// testOneKeyPerSession saves and regenerates sessions in a cluster and
// checks that each lives in one key, so in one slot, and that the
// sessions spread over the masters.
func testOneKeyPerSession(t *testing.T, client *redis.ClusterClient) {
	ctx := context.Background()
	repo := redisstore.New(client, redisstore.Options{KeyPrefix: "slots:"})
	ids := map[string]bool{}
	for i := 0; i < 12; i++ {
		s := saveNew(t, repo, tenValues())
		s.Regenerate()
		must(t, repo.Save(ctx, s))
		ids[s.ID()] = true
	}
	perMaster, err := keysPerMaster(ctx, client, "slots:*")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, keys := range perMaster {
		for _, k := range keys {
			seen[strings.TrimPrefix(k, "slots:")]++
		}
	}
	for id := range ids {
		if seen[id] != 1 {
			t.Errorf("session %s has %d keys, want exactly one", id, seen[id])
		}
	}
	if len(seen) != len(ids) || len(perMaster) < 2 {
		t.Fatalf("keys %v on %d masters; want the %d sessions' keys only, spread over several masters", seen, len(perMaster), len(ids))
	}
}

// keysPerMaster lists the keys matching pattern on each master that holds any.
func keysPerMaster(ctx context.Context, client *redis.ClusterClient, pattern string) (map[string][]string, error) {
	var mu sync.Mutex
	out := map[string][]string{}
	err := client.ForEachMaster(ctx, func(ctx context.Context, m *redis.Client) error {
		keys, err := m.Keys(ctx, pattern).Result()
		if err != nil || len(keys) == 0 {
			return err
		}
		mu.Lock()
		defer mu.Unlock()
		out[m.Options().Addr] = keys
		return nil
	})
	return out, err
}
