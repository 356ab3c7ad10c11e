package config_test

import (
	"strings"
	"testing"

	"github.com/sessionauth/sessionauth/config"
)

func readSession(t *testing.T, cfg map[string]any) (config.Session, error) {
	t.Helper()
	v, ps := config.Normalize(cfg)
	if err := ps.Err(); err != nil {
		t.Fatal(err)
	}
	s, ps := config.ReadSession(v)
	return s, ps.Err()
}

// TestMigrateDefaults: the old store's key prefix and directory default to
// what Flamingo read; without a secret the migration is refused.
func TestMigrateDefaults(t *testing.T) {
	tests := []struct {
		name         string
		cfg          map[string]any
		prefix, file string
	}{
		{"flamingo's defaults", map[string]any{}, "session:", "/sessions"},
		{"flamingo's keys", map[string]any{"flamingo.session.redis.keyPrefix": "shop:", "flamingo.session.file": "/var/shop"}, "shop:", "/var/shop"},
		{"own keys", map[string]any{"flamingo.session.redis.keyPrefix": "new:", "flamingo.session.migrate.keyPrefix": "old:",
			"flamingo.session.migrate.file": "/old"}, "old:", "/old"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.cfg["flamingo.session.migrate.from"] = "redis"
			tc.cfg["flamingo.session.backend"] = "redis"
			tc.cfg["flamingo.session.secret"] = "s3cret"
			s, err := readSession(t, tc.cfg)
			if err != nil || s.Migrate.From != "redis" || s.Migrate.KeyPrefix != tc.prefix || s.Migrate.File != tc.file {
				t.Fatalf("ReadSession = %+v, %v; want prefix %q and directory %q", s.Migrate, err, tc.prefix, tc.file)
			}
		})
	}
	for _, from := range []string{"redis", "file"} {
		_, err := readSession(t, map[string]any{"flamingo.session.migrate.from": from})
		if err == nil || !strings.Contains(err.Error(), "flamingo.session.migrate.from") || !strings.Contains(err.Error(), "flamingo.session.secret") {
			t.Errorf("migrate.from %s without a secret: %v; want the key and the fix", from, err)
		}
	}
	if _, err := readSession(t, map[string]any{"flamingo.session.migrate.from": "mongo", "flamingo.session.secret": "s"}); err == nil ||
		!strings.Contains(err.Error(), "flamingo.session.migrate.from") {
		t.Errorf("migrate.from mongo: %v; want the key named", err)
	}
}

// TestMigrateRedisConnection: the old Redis is the new backend's unless
// migrate.redis.url or host is set, and must be set when the new backend is
// not Redis.
func TestMigrateRedisConnection(t *testing.T) {
	base := func(more map[string]any) map[string]any {
		cfg := map[string]any{"flamingo.session.migrate.from": "redis", "flamingo.session.secret": "s3cret",
			"flamingo.session.redis.host": "new:6379", "flamingo.session.redis.password": "new-pw", "flamingo.session.redis.timeout": "2s"}
		for k, v := range more {
			cfg[k] = v
		}
		return cfg
	}
	s, err := readSession(t, base(map[string]any{"flamingo.session.backend": "redis"}))
	if err != nil || s.Migrate.OwnRedis || s.Migrate.Redis.Host != "new:6379" || s.Migrate.Redis.Password != "new-pw" {
		t.Errorf("backend redis without migrate.redis keys: %+v, %v; want the new Redis", s.Migrate.Redis, err)
	}
	s, err = readSession(t, base(map[string]any{"flamingo.session.backend": "redis", "flamingo.session.migrate.redis.host": "old:6380",
		"flamingo.session.migrate.redis.password": "old-pw", "flamingo.session.migrate.redis.database": 3, "flamingo.session.migrate.redis.tls": true}))
	want := config.Redis{Host: "old:6380", Password: "old-pw", Database: 3, TLS: true, Timeout: 2e9}
	if err != nil || !s.Migrate.OwnRedis || s.Migrate.Redis != want {
		t.Errorf("migrate.redis keys: %+v, %v; want %+v", s.Migrate.Redis, err, want)
	}
	s, err = readSession(t, base(map[string]any{"flamingo.session.backend": "memory", "flamingo.session.migrate.redis.url": "redis://:pw@old:6380/2"}))
	if err != nil || !s.Migrate.OwnRedis || s.Migrate.Redis.URL != "redis://:pw@old:6380/2" || s.Migrate.Redis.Host != "" {
		t.Errorf("migrate.redis.url: %+v, %v; want the URL alone", s.Migrate.Redis, err)
	}
	for _, backend := range []string{"memory", "file"} {
		_, err := readSession(t, base(map[string]any{"flamingo.session.backend": backend}))
		if err == nil || !strings.Contains(err.Error(), "flamingo.session.migrate.from") || !strings.Contains(err.Error(), "flamingo.session.migrate.redis.url") {
			t.Errorf("backend %s, migrate.from redis without migrate.redis keys: %v; want the key and the fix", backend, err)
		}
	}
	if _, err := readSession(t, base(map[string]any{"flamingo.session.backend": "memory", "flamingo.session.migrate.from": "file"})); err != nil {
		t.Errorf("migrate.from file needs no Redis: %v", err)
	}
}
