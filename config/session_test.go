package config_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sessionauth/sessionauth/config"
)

// read reads cfg as sessionauth does at start-up: every problem of
// Normalize, ReadSession and ReadAuth in one error.
func read(cfg map[string]any) (config.Session, config.Auth, error) {
	v, ps := config.Normalize(cfg)
	s, sps := config.ReadSession(v)
	a, aps := config.ReadAuth(v)
	ps.Join(sps)
	ps.Join(aps)
	return s, a, ps.Err()
}

// problemCase is one configuration and what its error says: nothing when
// want is empty, else every line of want and never a line of not.
type problemCase struct {
	name string
	cfg  map[string]any
	want []string
	not  []string
}

func checkProblems(t *testing.T, tests []problemCase) {
	t.Helper()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := read(tc.cfg)
			msg := ""
			if err != nil {
				msg = err.Error()
			}
			if len(tc.want) == 0 && err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if len(tc.want) > 0 && err == nil {
				t.Fatalf("no error, want %q", tc.want)
			}
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q does not contain %q", msg, w)
				}
			}
			for _, n := range tc.not {
				if strings.Contains(msg, n) {
					t.Errorf("error %q contains %q", msg, n)
				}
			}
		})
	}
}

func TestSessionKeyProblems(t *testing.T) {
	const (
		maxAge  = "config key flamingo.session.max.age"
		timeout = "config key flamingo.session.redis.timeout"
	)
	checkProblems(t, []problemCase{
		{"number as string", map[string]any{"flamingo.session.max.age": "60"},
			[]string{maxAge + ` = "60": is a string, not a number; write a whole number of seconds`}, nil},
		{"fraction", map[string]any{"flamingo.session.max.age": 1.5}, []string{maxAge + " = 1.5: is not a whole number"}, nil},
		{"beyond 2^53", map[string]any{"flamingo.session.max.age": float64(1<<53) + 2}, []string{maxAge, "is not a whole number"}, nil},
		{"2^53", map[string]any{"flamingo.session.max.age": float64(1 << 53)}, nil, nil},
		{"below minimum", map[string]any{"flamingo.session.max.age": 0}, []string{maxAge + " = 0: is less than 1"}, nil},
		{"minimum", map[string]any{"flamingo.session.max.age": 1}, nil, nil},
		{"negative size", map[string]any{"flamingo.session.store.length": -1}, []string{"flamingo.session.store.length = -1: is less than 0"}, nil},
		{"bool as string", map[string]any{"flamingo.session.cookie.secure": "yes"},
			[]string{`flamingo.session.cookie.secure = "yes": is a string, not a boolean; write true or false`}, nil},
		{"duration as number", map[string]any{"flamingo.session.redis.timeout": 5},
			[]string{timeout + ` = 5: is a number, not a duration string; write a positive duration such as "5s" or "500ms"`}, nil},
		{"negative duration", map[string]any{"flamingo.session.redis.timeout": "-1s"}, []string{timeout + ` = "-1s": is not a positive duration`}, nil},
		{"zero duration", map[string]any{"flamingo.session.redis.timeout": "0s"}, []string{timeout + ` = "0s": is not a positive duration`}, nil},
		{"not a duration", map[string]any{"flamingo.session.redis.timeout": "soon"}, []string{timeout + ` = "soon": is not a positive duration`}, nil},
		{"shortest duration", map[string]any{"flamingo.session.redis.timeout": "2ns", "flamingo.session.redis.waitTimeout": "1ns"}, nil, nil},
		{"list as string", map[string]any{"flamingo.session.previousSecrets": "old"},
			[]string{"flamingo.session.previousSecrets = (hidden): is a string, not a list; write a list of non-empty strings"}, []string{"old"}},
		{"empty list entry", map[string]any{"flamingo.session.previousSecrets": []any{"", 3}},
			[]string{"flamingo.session.previousSecrets[0] = (hidden): must be a non-empty string", "flamingo.session.previousSecrets[1] = (hidden)"}, nil},
		{"secret of another type", map[string]any{"flamingo.session.secret": 42},
			[]string{"flamingo.session.secret = (hidden): is a number, not a string; write a string"}, []string{"42"}},
		{"not one of", map[string]any{"flamingo.session.cookie.sameSite": "sometimes"},
			[]string{`flamingo.session.cookie.sameSite = "sometimes": is not one of lax, strict, none, default; write lax, strict, none or default`}, nil},
		{"backend empty", map[string]any{"flamingo.session.backend": " "},
			[]string{`flamingo.session.backend = " ": is empty; write memory, file, redis, cookie, custom`}, nil},
		{"backend of the wrong type", map[string]any{"flamingo.session.backend": map[string]any{"redis": true}},
			[]string{"flamingo.session.backend = (a map): is a map, not a string"}, nil},
		{"cookie path", map[string]any{"flamingo.session.cookie.path": "app"},
			[]string{`flamingo.session.cookie.path = "app": does not start with "/"`}, nil},
		{"file backend without a directory", map[string]any{"flamingo.session.backend": "file", "flamingo.session.file": " "},
			[]string{"config key flamingo.session.file", "the file backend needs a directory"}, nil},
		{"cookie backend with Flamingo's published secret", map[string]any{"flamingo.session.backend": "cookie", "flamingo.session.secret": "flamingosecret"},
			[]string{"flamingo.session.secret = (hidden)", "the cookie backend seals whole sessions", "set a secret of your own"}, []string{"flamingosecret"}},
		{"cookie backend with a secret of its own", map[string]any{"flamingo.session.backend": "cookie", "flamingo.session.secret": "a secret of our own, 32 bytes long"}, nil, nil},
		{"cookie revocation elsewhere", map[string]any{"flamingo.session.cookie.revocation": "mongodb"},
			[]string{`flamingo.session.cookie.revocation = "mongodb": is not one of`}, nil},
		{"cookie cap below 1024", map[string]any{"flamingo.session.cookie.maxBytes": 1000},
			[]string{"flamingo.session.cookie.maxBytes = 1000"}, nil},
		{"file directory without the file backend", map[string]any{"flamingo.session.file": " "}, nil, nil},
		{"wait as long as the timeout", map[string]any{"flamingo.session.redis.waitReplicas": 1, "flamingo.session.redis.waitTimeout": "5s"},
			[]string{`flamingo.session.redis.waitTimeout = "5s": is not shorter than flamingo.session.redis.timeout (5s)`}, nil},
		{"wait shorter than the timeout", map[string]any{"flamingo.session.redis.waitReplicas": 1, "flamingo.session.redis.waitTimeout": "4999ms"}, nil, nil},
		{"no wait", map[string]any{"flamingo.session.redis.waitTimeout": "9s"}, nil, nil},
		{"migrate from elsewhere", map[string]any{"flamingo.session.migrate.from": "memcached"},
			[]string{`flamingo.session.migrate.from = "memcached": is not one of Flamingo's backends`}, nil},
		{"migrate from redis, backend memory", map[string]any{"flamingo.session.migrate.from": "redis", "flamingo.session.secret": "s"},
			[]string{"the new backend is memory, not redis, so the old Redis is not known"}, nil},
		{"migrate from redis, backend redis", map[string]any{"flamingo.session.migrate.from": "redis", "flamingo.session.secret": "s",
			"flamingo.session.backend": "redis"}, nil, nil},
		{"migrate from redis at its own host", map[string]any{"flamingo.session.migrate.from": "redis", "flamingo.session.secret": "s",
			"flamingo.session.migrate.redis.host": "old:6379"}, nil, nil},
		{"migrate without secret", map[string]any{"flamingo.session.migrate.from": "file"},
			[]string{"the migration needs flamingo.session.secret"}, nil},
	})
}

func TestCookieNames(t *testing.T) {
	for name, valid := range map[string]bool{
		"flamingo": true, "!#$%&'*+-.^_`|~09AZaz": true,
		"a b": false, "a\x7f": false, "a\x1f": false, "é": false, "a;b": false, "a=b": false, "a\"b": false,
	} {
		_, _, err := read(map[string]any{"flamingo.session.name": name})
		if valid != (err == nil) {
			t.Errorf("cookie name %q: error %v, want valid %v", name, err, valid)
		}
		if !valid && (err == nil || !strings.Contains(err.Error(), "is not a valid cookie name; write a cookie name such as flamingo")) {
			t.Errorf("cookie name %q: %v", name, err)
		}
	}
}

func TestSessionValues(t *testing.T) {
	s, _, err := read(map[string]any{
		"flamingo.session.backend": "custom", "flamingo.session.repository": "redis", "flamingo.session.name": "",
		"flamingo.session.failureMode": "continue", "flamingo.session.max.age": 90, "flamingo.session.max.lifetime": 120,
		"flamingo.session.cookie.sameSite": "strict", "flamingo.session.redis.keyPrefix": " app: ",
		"flamingo.session.migrate.from": "redis", "flamingo.session.secret": "s", "flamingo.session.file": "/var/s",
	})
	if err != nil {
		t.Fatal(err)
	}
	if s.Backend != "redis" || s.Name != "flamingo" || !s.Continue || s.MaxAge != 90*time.Second || s.MaxLifetime != 2*time.Minute {
		t.Errorf("session = %+v", s)
	}
	if s.Migrate.KeyPrefix != "app:" || s.Migrate.File != "/var/s" || s.Migrate.OwnRedis || s.Migrate.Redis.Host != "redis" {
		t.Errorf("migrate = %+v, want key prefix app:, file /var/s and the new backend's Redis", s.Migrate)
	}
	for in, want := range map[string]http.SameSite{"lax": http.SameSiteLaxMode, "strict": http.SameSiteStrictMode,
		"none": http.SameSiteNoneMode, "default": http.SameSiteDefaultMode} {
		s, _, _ := read(map[string]any{"flamingo.session.cookie.sameSite": in})
		if s.Cookie.SameSite != want {
			t.Errorf("sameSite %s = %v, want %v", in, s.Cookie.SameSite, want)
		}
	}
	if s, _, _ := read(map[string]any{"flamingo.session.failureMode": "fail"}); s.Continue {
		t.Error("failureMode fail continues")
	}
}
