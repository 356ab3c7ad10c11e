package backends_test

import (
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/sessionauth/sessionauth/config"
	"github.com/sessionauth/sessionauth/infrastructure/redisstore"
	"github.com/sessionauth/sessionauth/internal/backends"
	"github.com/sessionauth/sessionauth/internal/redistest"
)

// The client-side cache's keys reach the repository, and Redis Cluster is
// refused at start-up with the reason, configured or bound.
func TestRedisClientCache(t *testing.T) {
	srv := redistest.Standalone(t)
	cfg := map[string]any{"flamingo.session.backend": "redis", "flamingo.session.redis.host": srv.Addr,
		"flamingo.session.redis.clientCache": true, "flamingo.session.redis.clientCacheMaxEntries": 7,
		"flamingo.session.redis.clientCacheMaxBytes": 12345, "flamingo.session.redis.clientCacheMaxStale": "2s"}
	s := session(t, cfg)
	if want := (config.RedisClientCache{Enabled: true, MaxEntries: 7, MaxBytes: 12345, MaxStale: 2 * time.Second}); s.Redis.ClientCache != want {
		t.Fatalf("ClientCache = %+v; want %+v", s.Redis.ClientCache, want)
	}
	repo, err := backends.Redis(slog.Default(), nil)(s)
	if err != nil {
		t.Fatal(err)
	}
	r := repo.(*redisstore.Repository)
	t.Cleanup(func() { _ = r.Close() })
	roundTrip(t, r)
	deadline := time.Now().Add(5 * time.Second)
	for n, _ := r.ClientCacheStats(); n == 0; n, _ = r.ClientCacheStats() {
		if time.Now().After(deadline) {
			t.Fatal("the repository's client-side cache holds nothing after 5s of loads")
		}
		roundTrip(t, r)
	}

	cfg["flamingo.session.redis.clusterMode"] = true
	v, ps := config.Normalize(cfg)
	_, ps2 := config.ReadSession(v)
	ps.Join(ps2)
	if err := ps.Err(); err == nil || !strings.Contains(err.Error(), "flamingo.session.redis.clientCache") || !strings.Contains(err.Error(), "slot") {
		t.Fatalf("clientCache with clusterMode: %v; want an error naming the key and why", err)
	}

	delete(cfg, "flamingo.session.redis.clusterMode")
	cluster := redistest.Cluster(t, false).Client(t)
	_, err = backends.Redis(slog.Default(), cluster)(session(t, cfg))
	if err == nil || !strings.Contains(err.Error(), "flamingo.session.redis.clientCache = true") || !strings.Contains(err.Error(), "Redis Cluster") {
		t.Fatalf("clientCache with a bound cluster client: %v; want an error naming the key and why", err)
	}
}
