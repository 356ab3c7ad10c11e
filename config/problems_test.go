package config_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/sessionauth/sessionauth/config"
)

func TestShow(t *testing.T) {
	tests := []struct {
		key  string
		v    any
		want string
	}{
		{"flamingo.session.redis.url", "redis://app:hunter2@cache:6379/0", `"redis://app:xxxxx@cache:6379/0"`},
		{"flamingo.session.migrate.redis.url", "redis://app:hunter2@cache:6379/0", `"redis://app:xxxxx@cache:6379/0"`},
		{"flamingo.session.redis.url", "redis://app:Sup3r#Secr3t/pw?x@host:6379/0", `"redis://app:xxxxx@host:6379/0"`},
		{"flamingo.session.redis.url", "red?is://app:hunter2@h:1:2", `"red?is://app:xxxxx@h:1:2"`},
		{"flamingo.session.redis.url", "redis:app:hunter2@h", `"redis:xxxxx@h"`},
		{"flamingo.session.redis.url", "cache/0:hunter2@h", `"cache/0:xxxxx@h"`},
		{"flamingo.session.redis.url", 3, "(hidden)"},
		{"flamingo.session.redis.password", "hunter2", "(hidden)"},
		{"flamingo.session.previousSecrets[2]", "hunter2", "(hidden)"},
		{"core.auth.web.broker[0].clientSecret", "hunter2", "(hidden)"},
		{"core.auth.web.broker[0].users[1].password", "hunter2", "(hidden)"},
		{"flamingo.session.backend", "redis", `"redis"`},
		{"flamingo.session.backend", nil, "(empty)"},
		{"flamingo.session.max.age", 1.5, "1.5"},
		{"flamingo.session.max.age", 7, "7"},
		{"flamingo.session.healthcheck", false, "false"},
		{"core.auth.web.broker", []any{"x"}, "(a list)"},
		{"core.auth.web.broker[0]", map[string]any{"password": "hunter2"}, "(a map)"},
		{"core.auth.web.broker[0]", int64(3), "(a number)"},
		{"core.auth.web.broker[0]", struct{}{}, "(struct {})"},
	}
	for _, tc := range tests {
		if got := config.Show(tc.key, tc.v); got != tc.want {
			t.Errorf("Show(%s, %v) = %s, want %s", tc.key, tc.v, got, tc.want)
		}
	}
}

func TestProblemsFromAdapters(t *testing.T) {
	ps := new(config.Problems)
	inner := new(config.Problems)
	inner.AddPlain("flamingo.session.b", "inner")
	ps.AddError("flamingo.session.z", "v", inner.Err())
	ps.AddError("flamingo.session.z", "v", errors.New("config key flamingo.session.a = (hidden): worded by the adapter"))
	ps.AddError("flamingo.session.z", "v", fmt.Errorf("plain: %w", errors.New("cause")))
	ps.Join(nil)
	want := "sessionauth: invalid configuration (3 problems): " +
		"config key flamingo.session.a = (hidden): worded by the adapter\n" +
		"  config key flamingo.session.b: inner\n" +
		`  config key flamingo.session.z = "v": plain: cause`
	if err := ps.Err(); ps.Len() != 3 || err == nil || err.Error() != want {
		t.Errorf("%d problems:\n%v\nwant\n%s", ps.Len(), err, want)
	}
	same := new(config.Problems)
	for _, m := range []string{"first", "second", "third"} {
		same.AddPlain("flamingo.session.k", m)
	}
	if got := same.Err().Error(); got != "sessionauth: invalid configuration (3 problems): config key flamingo.session.k: first\n"+
		"  config key flamingo.session.k: second\n  config key flamingo.session.k: third" {
		t.Errorf("problems of one key out of the order found: %q", got)
	}
	if err := new(config.Problems).Err(); err != nil {
		t.Errorf("no problems: %v", err)
	}
}
