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
