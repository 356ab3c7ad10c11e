package sessionauth_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/sessionauth/sessionauth/infrastructure/redisstore"
	"github.com/sessionauth/sessionauth/internal/redistest"
)

func TestSessionModuleRedis(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{TLS: true, Password: "admin", Config: []string{"user app on >pw ~* &* +@all"}})
	cluster := redistest.Cluster(t, false)
	tests := []struct {
		name string
		cfg  map[string]any
	}{
		{"url with ACL user and TLS", map[string]any{
			"flamingo.session.redis.url":       fmt.Sprintf("rediss://app:pw@%s/1", srv.Addr),
			"flamingo.session.redis.tlsCAFile": srv.Certs.CA, "flamingo.session.redis.keyPrefix": "shop:",
		}},
		{"legacy keys of the seeds", map[string]any{
			"session.backend": "redis", "session.backend.redis.host": cluster.Addrs()[0] + "," + cluster.Addrs()[1],
			"flamingo.session.redis.clusterMode": true,
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := map[string]any{"flamingo.session.backend": "redis"}
			for k, v := range tc.cfg {
				cfg[k] = v
			}
			injector := newInjector(t, cfg)
			if _, ok := repository(t, injector).(*redisstore.Repository); !ok {
				t.Fatalf("repository is %T, want the Redis repository", repository(t, injector))
			}
			wantCounter(t, counterServer(t, injector))
		})
	}
	if keys, err := srv.Client(t).Keys(context.Background(), "*").Result(); err != nil || len(keys) != 0 {
		t.Fatalf("keys in database 0 = %v, %v; want none, the session belongs in database 1", keys, err)
	}
	db1 := redis.NewClient(&redis.Options{Addr: srv.Addr, Password: "admin", DB: 1, TLSConfig: srv.TLSConfig()})
	defer db1.Close()
	if keys, err := db1.Keys(context.Background(), "*").Result(); err != nil || len(keys) != 1 || !strings.HasPrefix(keys[0], "shop:") {
		t.Fatalf("keys in database 1 = %v, %v; want one session key with the prefix shop:", keys, err)
	}
}

func TestSessionModuleRedisUnreachable(t *testing.T) {
	srv := redistest.Standalone(t)
	tests := []struct {
		name string
		cfg  map[string]any
		want []string
	}{
		{"nobody listening", map[string]any{"flamingo.session.redis.host": "127.0.0.1:1", "flamingo.session.redis.timeout": "500ms"},
			[]string{"flamingo.session.redis.host", "127.0.0.1:1", "does not answer"}},
		{"wrong password, redacted", map[string]any{"flamingo.session.redis.url": "redis://u:topsecret@" + srv.Addr + "/0"},
			[]string{"flamingo.session.redis.url", "xxxxx", "does not answer"}},
		{"bad url", map[string]any{"flamingo.session.redis.url": "redis//x"}, []string{"flamingo.session.redis.url", "redis://[user:password@]host:port/db"}},
		{"bad timeout", map[string]any{"flamingo.session.redis.timeout": "soon"}, []string{"flamingo.session.redis.timeout", "soon"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := map[string]any{"flamingo.session.backend": "redis"}
			for k, v := range tc.cfg {
				cfg[k] = v
			}
			err := startupError(cfg)
			if err == nil {
				t.Fatal("start-up succeeded")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
			if strings.Contains(err.Error(), "topsecret") {
				t.Errorf("error %q shows the password", err)
			}
		})
	}
}
