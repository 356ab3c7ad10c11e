package opcmd_test

import (
	"strings"
	"testing"

	"github.com/sessionauth/sessionauth/config"
	"github.com/sessionauth/sessionauth/internal/opcmd"
)

func TestCheck(t *testing.T) {
	for _, c := range []struct {
		name     string
		cfg      map[string]any
		problems []string
		warnings []string
	}{
		{"defaults", map[string]any{}, nil, []string{"the sessions live inside each application process", "flamingo.session.secret is not set"}},
		{"unknown broker type", map[string]any{"core.auth.web.broker": []any{map[string]any{"broker": "x", "typ": "saml"}}},
			nil, []string{`core.auth.web.broker[0].typ = "saml" is not a built-in broker type (fake or oidc)`, "core.auth.web.tokenKey is not set"}},
		{"oidc broker without clientID", map[string]any{"core.auth.web.broker": []any{map[string]any{"broker": "x", "typ": "oidc", "endpoint": "https://login.example"}}},
			[]string{"config key core.auth.web.broker[0].clientID = (empty): is empty; write the client ID"}, nil},
		{"fake user without name", map[string]any{"core.auth.web.broker": []any{map[string]any{"broker": "dev", "typ": "fake", "users": []any{map[string]any{"password": "p"}}}}},
			[]string{"config key core.auth.web.broker[0].users[0].username = (empty): every fake user needs a username"}, nil},
		{"cluster with a database", map[string]any{"flamingo.session.backend": "redis", "flamingo.session.redis.clusterMode": true, "flamingo.session.redis.database": 2},
			[]string{"config key flamingo.session.redis.database = 2: Redis Cluster has only database 0"}, nil},
		{"old redis of a migration", map[string]any{"flamingo.session.secret": strings.Repeat("k", 32), "flamingo.session.migrate.from": "redis",
			"flamingo.session.migrate.redis.url": "redis://old:6379/1", "flamingo.session.migrate.redis.clusterMode": true},
			[]string{"config key flamingo.session.redis.database = 1: Redis Cluster has only database 0"}, nil},
		{"Flamingo's default secret", map[string]any{"session.secret": config.FlamingoDefaultSecret}, nil, []string{"Flamingo's published default"}},
		{"short secret", map[string]any{"flamingo.session.secret": "short"}, nil, []string{"shorter than 32 bytes"}},
		{"file that is not a directory", map[string]any{"flamingo.session.backend": "file", "flamingo.session.file": "/etc/hostname"}, nil,
			[]string{`flamingo.session.file = "/etc/hostname" is a file, not a directory`}},
		{"custom backend", map[string]any{"flamingo.session.backend": "mongo"}, nil, []string{`flamingo.session.backend = "mongo" is not a built-in backend`}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := opcmd.Check(c.cfg)
			var lines []string
			for _, p := range got.Problems {
				lines = append(lines, p.String())
			}
			if len(lines) != len(c.problems) {
				t.Errorf("problems %q, want %d like %q", lines, len(c.problems), c.problems)
			}
			contains(t, "problems", lines, c.problems)
			contains(t, "warnings", got.Warnings, c.warnings)
			if got.OK() != (len(c.problems) == 0) {
				t.Errorf("OK() = %v with problems %q", got.OK(), lines)
			}
		})
	}
}

// contains fails t unless every text of want is part of some line.
func contains(t *testing.T, what string, lines, want []string) {
	t.Helper()
	for _, w := range want {
		found := false
		for _, l := range lines {
			found = found || strings.Contains(l, w)
		}
		if !found {
			t.Errorf("%s %q lack %q", what, lines, w)
		}
	}
}

func TestEffectiveHidesSecrets(t *testing.T) {
	c := opcmd.Check(map[string]any{
		"flamingo.session.secret": "the-signing-key", "flamingo.session.redis.url": "redis://u:redis-pw@h:6379/0",
		"flamingo.session.redis.password": "", "flamingo.session.memory.maxBytes": 1 << 30,
		"core.auth.web.broker": []any{map[string]any{"broker": "dev", "typ": "fake", "users": []any{map[string]any{"username": "alice", "password": "alice-pw"}}}},
	})
	got := map[string]opcmd.Setting{}
	for _, s := range opcmd.Effective(c.Values) {
		got[s.Key] = s
		if strings.Contains(s.Value, "the-signing-key") || strings.Contains(s.Value, "redis-pw") || strings.Contains(s.Value, "alice-pw") {
			t.Errorf("%s shows a secret: %s", s.Key, s.Value)
		}
	}
	for key, want := range map[string]string{
		"flamingo.session.secret":                   "(set)",
		"flamingo.session.redis.password":           "(not set)",
		"flamingo.session.redis.url":                `"redis://u:xxxxx@h:6379/0"`,
		"core.auth.web.broker[0].users[0].password": "(set)",
		"core.auth.web.broker[0].users[0].username": `"alice"`,
		"flamingo.session.memory.maxBytes":          "1073741824",
		"flamingo.session.max.age":                  "2592000",
		"core.auth.web.previousTokenKeys":           "(not set)",
	} {
		if got[key].Value != want {
			t.Errorf("%s = %s, want %s", key, got[key].Value, want)
		}
	}
	if !got["flamingo.session.max.age"].Default || got["flamingo.session.memory.maxBytes"].Default {
		t.Errorf("default marks: max.age %v (want true), memory.maxBytes %v (want false)", got["flamingo.session.max.age"].Default, got["flamingo.session.memory.maxBytes"].Default)
	}
}
