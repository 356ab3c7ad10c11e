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

func TestNormalizeErrors(t *testing.T) {
	tests := []struct {
		name string
		in   map[string]any
		want []string
	}{
		{"typo", map[string]any{"flamingo.session.bakend": "redis"}, []string{"flamingo.session.bakend", "docs/config.md"}},
		{"empty secret list", map[string]any{"flamingo.session.secret": []any{}}, []string{"flamingo.session.secret", "at least one"}},
		{"unsupported type", map[string]any{"flamingo.session.max.age": struct{}{}}, []string{"flamingo.session.max.age", "no configuration has"}},
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
	if err == nil || !strings.Contains(err.Error(), "MISSING_VAR") || !strings.Contains(err.Error(), "a.b") {
		t.Fatalf("missing variable: err = %v, want one naming MISSING_VAR and a.b", err)
	}
}
