package sessionauth_test

import (
	"context"
	"strings"
	"testing"

	"flamingo.me/dingo"
	"github.com/redis/go-redis/v9"

	"github.com/sessionauth/sessionauth/infrastructure/redisstore"
	"github.com/sessionauth/sessionauth/internal/redistest"
)

func TestSessionModuleRedisSentinel(t *testing.T) {
	s := redistest.Sentinel(t)
	injector := newInjector(t, map[string]any{
		"flamingo.session.backend": "redis", "flamingo.session.redis.host": "127.0.0.1:1",
		"flamingo.session": map[string]any{"redis": map[string]any{"sentinel": map[string]any{"master": redistest.SentinelMaster, "addresses": s.Addr}}},
	})
	if _, ok := repository(t, injector).(*redisstore.Repository); !ok {
		t.Fatalf("repository is %T, want the Redis repository", repository(t, injector))
	}
	wantCounter(t, counterServer(t, injector))
	if n, err := s.Master.Client(t).DBSize(context.Background()).Result(); err != nil || n != 1 {
		t.Fatalf("the master the Sentinel names holds %d keys (%v), want the one session", n, err)
	}
}

func TestSessionModuleBoundRedisClient(t *testing.T) {
	srv := redistest.Standalone(t)
	client := srv.Client(t)
	trips := redistest.CountRoundTrips(client)
	// The connection keys point nowhere: only the bound client can reach Redis.
	injector := newInjector(t, map[string]any{"flamingo.session.backend": "redis", "flamingo.session.redis.host": "127.0.0.1:1",
		"flamingo.session.redis.keyPrefix": "mine:"},
		dingo.ModuleFunc(func(i *dingo.Injector) { i.Bind(new(redis.UniversalClient)).ToInstance(client) }))
	wantCounter(t, counterServer(t, injector))
	if trips.Total() < 3 {
		t.Fatalf("the bound client made %d round trips; the repository does not use it", trips.Total())
	}
	keys, err := client.Keys(context.Background(), "*").Result()
	if err != nil || len(keys) != 1 || !strings.HasPrefix(keys[0], "mine:") {
		t.Fatalf("keys = %v, %v; want one session under the configured prefix", keys, err)
	}
}

func TestSessionModuleRedisClientErrors(t *testing.T) {
	dead := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", MaxRetries: -1})
	defer dead.Close()
	tests := []struct {
		name  string
		cfg   map[string]any
		extra []dingo.Module
		want  []string
	}{
		{"bound client down", map[string]any{"flamingo.session.redis.timeout": "500ms"},
			[]dingo.Module{dingo.ModuleFunc(func(i *dingo.Injector) { i.Bind(new(redis.UniversalClient)).ToInstance(dead) })},
			[]string{"bound redis.UniversalClient does not answer"}},
		{"no Sentinel listening", map[string]any{"flamingo.session.redis.sentinel.master": "m", "flamingo.session.redis.sentinel.addresses": "127.0.0.1:1",
			"flamingo.session.redis.sentinel.password": "hunter2", "flamingo.session.redis.timeout": "500ms"}, nil,
			[]string{"flamingo.session.redis.sentinel.addresses", `"127.0.0.1:1"`, "does not answer"}},
		{"Sentinel without addresses", map[string]any{"flamingo.session.redis.sentinel.master": "m"}, nil,
			[]string{"flamingo.session.redis.sentinel.addresses", "comma-separated"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := map[string]any{"flamingo.session.backend": "redis"}
			for k, v := range tc.cfg {
				cfg[k] = v
			}
			err := startupError(cfg, tc.extra...)
			if err == nil {
				t.Fatal("start-up succeeded")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %s", err, w)
				}
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("error %q shows the Sentinel password", err)
			}
		})
	}
}
