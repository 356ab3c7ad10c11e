package config_test

import (
	"os"
	"strings"
	"testing"

	"github.com/sessionauth/sessionauth/config"
)

// A misspelt key is answered with the known key it is a typo of, when it
// is within a third of its length (plus two) in edits.
func TestUnknownKeySuggestion(t *testing.T) {
	tests := []struct{ key, want string }{
		{"flamingo.session.nme", "flamingo.session.name"},
		{"flamingo.session.nsme", "flamingo.session.name"},
		{"flamingo.session.namex", "flamingo.session.name"},
		{"flamingo.session.xname", "flamingo.session.name"},
		{"flamingo.session.bakcend", "flamingo.session.backend"},
		{"flamingo.session.cookie.SAMESITE", "flamingo.session.cookie.sameSite"},
		{"flamingo.session.redis.pool.sizes", "flamingo.session.redis.pool.size"},
		{"core.auth.web.brokers", "core.auth.web.broker"},
		{"core.auth.web.x", "core.auth.web.broker"},
		{"flamingo.session.name" + strings.Repeat("x", 12), "flamingo.session.name"},
		{"flamingo.session.name" + strings.Repeat("x", 13), ""},
		{"flamingo.session." + strings.Repeat("q", 40), ""},
	}
	for _, tc := range tests {
		_, ps := config.Normalize(map[string]any{tc.key: "v"})
		msg := ps.Err().Error()
		_, hint, found := strings.Cut(msg, "did you mean ")
		got, _, _ := strings.Cut(hint, "?")
		if !found {
			got = ""
		}
		if got != tc.want {
			t.Errorf("%s: suggestion %q, want %q (%s)", tc.key, got, tc.want, msg)
		}
	}
}

// Flamingo's loader gets every older spelling but one that it would nest
// below a key whose value is a string.
func TestLegacyAliases(t *testing.T) {
	a := config.LegacyAliases()
	if a["session.backend"] != "flamingo.session.backend" || a["core.healthcheck.checkSession"] != "flamingo.session.healthcheck" {
		t.Errorf("aliases = %v", a)
	}
	if k, ok := a["session.backend.redis.host"]; ok {
		t.Errorf("session.backend.redis.host is passed to Flamingo as %s", k)
	}
}

func TestLoadFile(t *testing.T) {
	path := t.TempDir() + "/config.yml"
	if _, err := config.LoadFile(path); err == nil || !strings.Contains(err.Error(), "config: open "+path) {
		t.Errorf("missing file: %v", err)
	}
	if err := os.WriteFile(path, []byte("flamingo.session.backend: file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if cfg, err := config.LoadFile(path); err != nil || cfg["flamingo.session.backend"] != "file" {
		t.Errorf("LoadFile = %v, %v", cfg, err)
	}
}
