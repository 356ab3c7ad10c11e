package config_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/sessionauth/sessionauth/config"
)

func TestNormalize(t *testing.T) {
	tests := []struct {
		name string
		in   map[string]any
		want map[string]any // keys to check
	}{
		{"defaults", nil, map[string]any{
			"flamingo.session.backend": "memory", "flamingo.session.name": "flamingo",
			"flamingo.session.max.age": float64(2592000), "flamingo.session.cookie.secure": true,
			"flamingo.session.cookie.sameSite": "lax", "flamingo.session.redis.host": "redis",
			"flamingo.session.redis.timeout": "5s",
		}},
		{"nested and ints", map[string]any{"flamingo": map[string]any{"session": map[string]any{
			"backend": "file", "max": map[string]any{"age": 60}}}},
			map[string]any{"flamingo.session.backend": "file", "flamingo.session.max.age": float64(60)}},
		{"yaml maps", map[string]any{"flamingo": map[any]any{"session.backend": "redis"}},
			map[string]any{"flamingo.session.backend": "redis"}},
		{"legacy seeds spelling", map[string]any{"session.backend": "redis", "session.backend.redis.host": "cache:6379"},
			map[string]any{"flamingo.session.backend": "redis", "flamingo.session.redis.host": "cache:6379"}},
		{"legacy loses to current", map[string]any{"session.backend": "redis", "flamingo.session.backend": "file"},
			map[string]any{"flamingo.session.backend": "file"}},
		{"secret list", map[string]any{"flamingo.session.secret": []string{"new", "old"}},
			map[string]any{"flamingo.session.secret": "new", "flamingo.session.previousSecrets": []any{"old"}}},
		{"null means default", map[string]any{"flamingo.session.backend": nil},
			map[string]any{"flamingo.session.backend": "memory"}},
		{"second alias", map[string]any{"core.healthcheck.checkSession": false, "session.backend.redis.host": "c:1"},
			map[string]any{"flamingo.session.healthcheck": false, "flamingo.session.redis.host": "c:1"}},
		{"secret list joins previous secrets", map[string]any{"flamingo.session.secret": []any{"new", "mid"}, "flamingo.session.previousSecrets": []any{"old"}},
			map[string]any{"flamingo.session.secret": "new", "flamingo.session.previousSecrets": []any{"mid", "old"}}},
		{"number types", map[string]any{"flamingo.session.max.age": int64(7), "flamingo.session.store.length": int32(8),
			"flamingo.session.memory.maxBytes": uint64(9), "flamingo.session.memory.maxSessions": float32(10)},
			map[string]any{"flamingo.session.max.age": float64(7), "flamingo.session.store.length": float64(8),
				"flamingo.session.memory.maxBytes": float64(9), "flamingo.session.memory.maxSessions": float64(10)}},
		{"named list types", map[string]any{"flamingo.session.previousSecrets": namedList{"a", 2}, "core.auth.web.previousTokenKeys": []string{"k"},
			"core.auth.web.broker": namedList{map[any]any{"broker": "x"}}},
			map[string]any{"flamingo.session.previousSecrets": []any{"a", float64(2)}, "core.auth.web.previousTokenKeys": []any{"k"},
				"core.auth.web.broker": []any{map[string]any{"broker": "x"}}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ps := config.Normalize(tc.in)
			if err := ps.Err(); err != nil {
				t.Fatal(err)
			}
			for k, want := range tc.want {
				if !reflect.DeepEqual(got[k], want) {
					t.Errorf("%s = %#v, want %#v", k, got[k], want)
				}
			}
			for legacy := range tc.in {
				if strings.HasPrefix(legacy, "session.") {
					if _, ok := got[legacy]; ok {
						t.Errorf("legacy key %s still bound", legacy)
					}
				}
			}
		})
	}
}

type namedList []any

func TestNormalizeErrors(t *testing.T) {
	tests := []struct {
		name string
		in   map[string]any
		want []string
	}{
		{"typo", map[string]any{"flamingo.session.bakend": "redis"}, []string{"flamingo.session.bakend", "docs/config.md"}},
		{"empty secret list", map[string]any{"flamingo.session.secret": []any{}}, []string{"flamingo.session.secret", "at least one"}},
		{"unsupported type", map[string]any{"flamingo.session.max.age": struct{}{}}, []string{"flamingo.session.max.age", "no configuration has"}},
		{"unknown key beside a secret", map[string]any{"flamingo.session.secrets": "hunter2"},
			[]string{"config key flamingo.session.secrets: no such key; did you mean flamingo.session.secret? (the keys are listed in docs/config.md)"}},
		{"unknown key with secret in its name", map[string]any{"flamingo.session.qqqqqqqqqqqqqqqqqqqqqqqqqqMySecret": "hunter2"},
			[]string{"config key flamingo.session.qqqqqqqqqqqqqqqqqqqqqqqqqqMySecret: no such key (the keys"}},
		{"typo of a secret key", map[string]any{"flamingo.session.redis.pasword": "hunter2"},
			[]string{"config key flamingo.session.redis.pasword: no such key; did you mean flamingo.session.redis.password?"}},
		{"unknown key far from any", map[string]any{"core.auth.zzzzzzzzzzzzzzzzzzzzzzzz": "v"},
			[]string{"config key core.auth.zzzzzzzzzzzzzzzzzzzzzzzz: no such key (the keys"}},
		{"unknown map below a known prefix", map[string]any{"flamingo": map[string]any{"session": map[string]any{"extra": map[string]any{"a": 1}}}},
			[]string{"config key flamingo.session.extra: no such key"}},
		{"typo in a nested key", map[string]any{"flamingo": map[string]any{"session": map[string]any{"redis": map[string]any{"hots": "c"}}}},
			[]string{"config key flamingo.session.redis.hots: no such key; did you mean flamingo.session.redis.host?"}},
		{"bad list entry", map[string]any{"flamingo.session.previousSecrets": []any{"a", struct{}{}}},
			[]string{"flamingo.session.previousSecrets[1]", "a value of type struct {}"}},
		{"bytes", map[string]any{"flamingo.session.backend": []byte("redis")}, []string{"a value of type []uint8"}},
		{"twice", map[string]any{"flamingo.session.backend": "a", "flamingo": map[string]any{"session": map[string]any{"backend": "b"}}},
			[]string{"flamingo.session.backend", "twice"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, ps := config.Normalize(tc.in)
			err := ps.Err()
			if err == nil {
				t.Fatal("no error")
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("error %q shows the secret", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func TestParseYAML(t *testing.T) {
	env := map[string]string{"REDIS_HOST": "cache:6380", "MAX_AGE": "3600", "SECURE": "false"}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	cfg, err := config.ParseYAML([]byte(`
flamingo:
  session:
    backend: redis
    max.age: "%%ENV:MAX_AGE%%"
    cookie:
      secure: '%%ENV:SECURE%%'
    redis:
      host: "%%ENV:REDIS_HOST%%"
      url: "redis://%%ENV:REDIS_HOST%%/1"
`), lookup)
	if err != nil {
		t.Fatal(err)
	}
	flat, ps := config.Normalize(cfg)
	if err := ps.Err(); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"flamingo.session.max.age": float64(3600), "flamingo.session.cookie.secure": false,
		"flamingo.session.redis.host": "cache:6380", "flamingo.session.redis.url": "redis://cache:6380/1",
	}
	for k, w := range want {
		if !reflect.DeepEqual(flat[k], w) {
			t.Errorf("%s = %#v, want %#v", k, flat[k], w)
		}
	}
	_, err = config.ParseYAML([]byte("a:\n  b: '%%ENV:MISSING_VAR%%'\n"), lookup)
	if _, err := config.ParseYAML([]byte("a:\n  - x\n  - '%%ENV:MISSING_VAR%%'\n"), lookup); err == nil || !strings.Contains(err.Error(), "config key a[1]:") {
		t.Errorf("missing variable in a list: err = %v, want one naming a[1]", err)
	}
	if err == nil || !strings.Contains(err.Error(), "environment variable MISSING_VAR is not set") || !strings.Contains(err.Error(), "config key a.b:") {
		t.Fatalf("missing variable: err = %v, want one naming MISSING_VAR and a.b", err)
	}
}
