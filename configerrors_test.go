package sessionauth_test

import (
	"strings"
	"testing"

	"flamingo.me/dingo"

	"github.com/sessionauth/sessionauth"
	"github.com/sessionauth/sessionauth/interfaces/web"
)

// injectorError builds an injector with ConfigModule(cfg) and AuthModule
// and returns its error; a panic fails the test.
func injectorError(t *testing.T, cfg map[string]any) (err error) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Fatalf("dingo.NewInjector panicked: %v", r)
		}
	}()
	_, err = dingo.NewInjector(sessionauth.ConfigModule(cfg), new(sessionauth.AuthModule))
	return err
}

var oidcEntry = map[string]any{"broker": "corp", "typ": "oidc", "endpoint": "https://idp.example", "clientID": "shop", "clientSecret": "s3cr3t-client"}

func withBroker(fields map[string]any) []any {
	b := map[string]any{}
	for k, v := range oidcEntry {
		b[k] = v
	}
	for k, v := range fields {
		b[k] = v
	}
	return []any{b}
}

// TestBadConfigurationIsAnError runs bad configurations through
// dingo.NewInjector: each is returned as an error (never a panic) that names
// the key, shows the value (or hides it, for a secret) and says what to
// write instead.
func TestBadConfigurationIsAnError(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		cfg  map[string]any
		want []string // the key, the value and the fix
	}{
		{"max.age not a number", map[string]any{"flamingo.session.max.age": "30d"}, []string{"flamingo.session.max.age", `"30d"`, "write a whole number of seconds"}},
		{"max.age negative", map[string]any{"flamingo.session.max.age": -1}, []string{"flamingo.session.max.age", "-1", "less than 1"}},
		{"max.age fraction", map[string]any{"flamingo.session.max.age": 1.5}, []string{"flamingo.session.max.age", "1.5", "whole number"}},
		{"max.age zero", map[string]any{"flamingo.session.max.age": 0}, []string{"flamingo.session.max.age", "= 0", "write a whole number"}},
		{"store.length negative", map[string]any{"flamingo.session.store.length": -5}, []string{"flamingo.session.store.length", "-5", "0 for no limit"}},
		{"store.length a list", map[string]any{"flamingo.session.store.length": []any{1}}, []string{"flamingo.session.store.length", "a list", "write a whole number of bytes"}},
		{"cookie.secure a string", map[string]any{"flamingo.session.cookie.secure": "yes"}, []string{"flamingo.session.cookie.secure", `"yes"`, "write true or false"}},
		{"cookie.path relative", map[string]any{"flamingo.session.cookie.path": "app"}, []string{"flamingo.session.cookie.path", `"app"`, `starting with "/"`}},
		{"sameSite unknown", map[string]any{"flamingo.session.cookie.sameSite": "sometimes"}, []string{"flamingo.session.cookie.sameSite", `"sometimes"`, "lax, strict, none or default"}},
		{"failureMode unknown", map[string]any{"flamingo.session.failureMode": "retry"}, []string{"flamingo.session.failureMode", `"retry"`, "fail (answer 503"}},
		{"pool.size negative", map[string]any{"flamingo.session.redis.pool.size": -1}, []string{"flamingo.session.redis.pool.size", "-1", "write a whole number of connections"}},
		{"waitTimeout not below timeout", map[string]any{"flamingo.session.redis.waitReplicas": 1, "flamingo.session.redis.waitTimeout": "5s"},
			[]string{"flamingo.session.redis.waitTimeout", "5s", "flamingo.session.redis.timeout (5s)", "shorter duration"}},
		{"backend empty", map[string]any{"flamingo.session.backend": " "}, []string{"flamingo.session.backend", `" "`, "write memory, file, redis"}},
		{"backend unknown", map[string]any{"flamingo.session.backend": "mongo"}, []string{"flamingo.session.backend", `"mongo"`, "no such backend", "BackendFactory"}},
		{"backend a number", map[string]any{"flamingo.session.backend": 3}, []string{"flamingo.session.backend", "= 3", "not a string"}},
		{"custom without binding", map[string]any{"flamingo.session.backend": "custom"}, []string{"flamingo.session.backend", `"custom"`, "CustomSessionBackend"}},
		{"file without directory", map[string]any{"flamingo.session.backend": "file", "flamingo.session.file": ""}, []string{"flamingo.session.file", `""`, "write one such as"}},
		{"file directory not writable", map[string]any{"flamingo.session.backend": "file", "flamingo.session.file": dir + "/\x00"}, []string{"flamingo.session.file"}},
		{"cookie name with a space", map[string]any{"flamingo.session.name": "my cookie"}, []string{"flamingo.session.name", `"my cookie"`, "write a cookie name"}},
		{"maxSessions negative", map[string]any{"flamingo.session.memory.maxSessions": -1}, []string{"flamingo.session.memory.maxSessions", "-1", "0 for no cap"}},
		{"healthcheck a number", map[string]any{"flamingo.session.healthcheck": 1}, []string{"flamingo.session.healthcheck", "= 1", "true or false"}},
		{"previous secret empty", map[string]any{"flamingo.session.secret": "a", "flamingo.session.previousSecrets": []any{"b", ""}}, []string{"flamingo.session.previousSecrets[1]", "non-empty string"}},
		{"secret a number", map[string]any{"flamingo.session.secret": 42}, []string{"flamingo.session.secret", "(hidden)", "not a string"}},
		{"redis timeout", map[string]any{"flamingo.session.backend": "redis", "flamingo.session.redis.timeout": "soon"}, []string{"flamingo.session.redis.timeout", `"soon"`, `"5s"`}},
		{"redis database a string", map[string]any{"flamingo.session.redis.database": "zero"}, []string{"flamingo.session.redis.database", `"zero"`, "database number"}},
		{"redis tls a string", map[string]any{"flamingo.session.redis.tls": "on"}, []string{"flamingo.session.redis.tls", `"on"`, "true or false"}},
		{"redis url of another scheme", map[string]any{"flamingo.session.backend": "redis", "flamingo.session.redis.url": "http://cache"}, []string{"flamingo.session.redis.url", "redis://"}},
		{"migrate from redis to memory without the old redis", map[string]any{"flamingo.session.secret": "s", "flamingo.session.migrate.from": "redis"},
			[]string{"flamingo.session.migrate.from", `"redis"`, "the new backend is memory", "set flamingo.session.migrate.redis.url"}},
		{"migrate redis url of another scheme", map[string]any{"flamingo.session.secret": "s", "flamingo.session.migrate.from": "redis",
			"flamingo.session.migrate.redis.url": "http://u:s3cr3t-client@cache"}, []string{"flamingo.session.migrate.redis.url", "redis://"}},
		{"migrate redis url unreachable", map[string]any{"flamingo.session.secret": "s", "flamingo.session.migrate.from": "redis",
			"flamingo.session.migrate.redis.url": "redis://:s3cr3t-client@127.0.0.1:1/0"}, []string{"flamingo.session.migrate.redis.url", "127.0.0.1:1", "old Redis does not answer"}},
		{"migrate redis host unreachable", map[string]any{"flamingo.session.secret": "s", "flamingo.session.backend": "file", "flamingo.session.file": dir,
			"flamingo.session.migrate.from": "redis", "flamingo.session.migrate.redis.host": "127.0.0.1:1"},
			[]string{"flamingo.session.migrate.redis.host", `"127.0.0.1:1"`, "check the address"}},
		{"migrate redis hosts without cluster mode", map[string]any{"flamingo.session.secret": "s", "flamingo.session.migrate.from": "redis",
			"flamingo.session.migrate.redis.host": "a:1,b:2"}, []string{"flamingo.session.migrate.redis.host", "flamingo.session.migrate.redis.clusterMode"}},
		{"migrate redis CA file missing", map[string]any{"flamingo.session.secret": "s", "flamingo.session.migrate.from": "redis",
			"flamingo.session.migrate.redis.url": "rediss://old:6379", "flamingo.session.migrate.redis.tlsCAFile": dir + "/none.pem"},
			[]string{"flamingo.session.migrate.redis.tlsCAFile", "none.pem"}},
		{"migrate redis database a string", map[string]any{"flamingo.session.migrate.redis.database": "zero"},
			[]string{"flamingo.session.migrate.redis.database", `"zero"`, "database number"}},
		{"unknown session key", map[string]any{"flamingo.session.bakend": "redis"}, []string{"config key flamingo.session.bakend: no such key", "did you mean flamingo.session.backend?"}},
		{"unknown auth key", map[string]any{"core.auth.web.baseUrl": "https://shop.example"}, []string{"core.auth.web.baseUrl", "did you mean core.auth.web.baseURL?"}},
		{"base URL with a password", map[string]any{"core.auth.web.baseURL": "https://app:pw-in-url@shop.example"},
			[]string{`config key core.auth.web.baseURL = "https://app:xxxxx@shop.example": holds a user or password before the host`}},
		{"broker list given as a map", map[string]any{"core.auth.web.broker": map[string]any{"broker": "corp", "typ": "fake"}},
			[]string{"config key core.auth.web.broker = (a map): is a map, not a list; write a list of maps"}},
		{"previous secrets given as a map", map[string]any{"flamingo.session.previousSecrets": map[string]any{"old": "an-old-secret"}},
			[]string{"config key flamingo.session.previousSecrets = (hidden): is a map, not a list"}},
		{"unknown auth key, lower case", map[string]any{"core.auth.web.defaultbroker": "corp"}, []string{"core.auth.web.defaultbroker", "did you mean core.auth.web.defaultBroker?"}},
		{"baseURL relative", map[string]any{"core.auth.web.baseURL": "shop.example"}, []string{"core.auth.web.baseURL", `"shop.example"`, "https://shop.example"}},
		{"stateLifeTime", map[string]any{"core.auth.web.stateLifeTime": "long"}, []string{"core.auth.web.stateLifeTime", `"long"`, `"30m"`}},
		{"broker list a string", map[string]any{"core.auth.web.broker": "corp"}, []string{"core.auth.web.broker", `"corp"`, "write a list of"}},
		{"broker type unknown", map[string]any{"core.auth.web.broker": withBroker(map[string]any{"typ": "saml"})}, []string{"core.auth.web.broker[0].typ", `"saml"`, "write fake or oidc"}},
		{"broker key misspelt", map[string]any{"core.auth.web.broker": withBroker(map[string]any{"clientId": "x"})}, []string{"core.auth.web.broker[0].clientId", "no such key", "clientID"}},
		{"broker scopes a string", map[string]any{"core.auth.web.baseURL": "https://shop.example", "core.auth.web.broker": withBroker(map[string]any{"scopes": "openid"})},
			[]string{"core.auth.web.broker[0].scopes", `"openid"`, "list"}},
		{"broker clientSecret a number", map[string]any{"core.auth.web.baseURL": "https://shop.example", "core.auth.web.broker": withBroker(map[string]any{"clientSecret": 7})},
			[]string{"core.auth.web.broker[0].clientSecret", "(hidden)", "not a string"}},
		{"broker endpoint not a URL", map[string]any{"core.auth.web.broker": withBroker(map[string]any{"endpoint": "not a url"})},
			[]string{"config key core.auth.web.broker[0].endpoint", `"not a url"`, "not an absolute URL; write the issuer URL", "https://login.example/realms/shop"}},
		{"broker clientID empty", map[string]any{"core.auth.web.broker": withBroker(map[string]any{"clientID": ""})},
			[]string{"config key core.auth.web.broker[0].clientID", `""`, "is empty; write the client ID"}},
		{"broker endpoint missing", map[string]any{"core.auth.web.broker": withBroker(map[string]any{"endpoint": nil})},
			[]string{"config key core.auth.web.broker[0].endpoint", "(empty)", "is empty; write the issuer URL"}},
		{"broker redirectURL relative", map[string]any{"core.auth.web.broker": withBroker(map[string]any{"redirectURL": "/auth/callback/corp"})},
			[]string{"config key core.auth.web.broker[0].redirectURL", `"/auth/callback/corp"`, "not an absolute URL", "core.auth.web.baseURL"}},
		{"fake user key misspelt", map[string]any{"core.auth.web.broker": []any{map[string]any{"broker": "dev", "typ": "fake",
			"users": []any{map[string]any{"username": "alice", "firstname": "Alice"}}}}},
			[]string{"config key core.auth.web.broker[0].users[0].firstname: no such key", "did you mean firstName?", "email, firstName, groups, lastName"}},
		{"broker list a string and a default broker", map[string]any{"core.auth.web.broker": "corp", "core.auth.web.defaultBroker": "corp"},
			[]string{`sessionauth: invalid configuration: config key core.auth.web.broker = "corp": is a string, not a list; write a list of maps`}},
		{"default broker unknown", map[string]any{"core.auth.web.defaultBroker": "other"}, []string{"core.auth.web.defaultBroker", `"other"`, "no broker"}},
		{"unsupported value type", map[string]any{"flamingo.session.max.age": struct{}{}}, []string{"flamingo.session.max.age", "no configuration has"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := injectorError(t, tc.cfg)
			if err == nil {
				t.Fatal("dingo.NewInjector returned no error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error does not mention %q:\n%v", w, err)
				}
			}
			if strings.Contains(err.Error(), "s3cr3t-client") {
				t.Errorf("error shows the client secret:\n%v", err)
			}
		})
	}
}

// TestBadConfigurationAllAtOnce checks that one error lists every problem
// of session and auth configuration together.
func TestBadConfigurationAllAtOnce(t *testing.T) {
	err := injectorError(t, map[string]any{
		"flamingo.session.max.age":         "30d",
		"flamingo.session.cookie.secure":   "yes",
		"flamingo.session.cookie.sameSite": "sometimes",
		"core.auth.web.stateLifeTime":      "long",
		"core.auth.web.broker":             withBroker(map[string]any{"typ": "saml"}),
	})
	if err == nil {
		t.Fatal("no error")
	}
	for _, key := range []string{"flamingo.session.max.age", "flamingo.session.cookie.secure", "flamingo.session.cookie.sameSite",
		"core.auth.web.stateLifeTime", "core.auth.web.broker[0].typ"} {
		if n := strings.Count(err.Error(), "config key "+key+" "); n != 1 {
			t.Errorf("%s is named %d times, want once:\n%v", key, n, err)
		}
	}
}

// TestRedisURLPasswordNeverShown uses passwords with the characters that
// make a URL parser quote part of the URL in its error.
func TestRedisURLPasswordNeverShown(t *testing.T) {
	for _, password := range []string{"pa#ss-word1", "pa/ss-word2", "pa?ss-word3", "pa ss-word4", "pa%zzword5", "p@ss:word6"} {
		for _, url := range []string{"redis://user:" + password + "@cache:6379/0", "redis://:" + password + "@cache:port/0", "redis//user:" + password + "@cache"} {
			err := injectorError(t, map[string]any{"flamingo.session.backend": "redis", "flamingo.session.redis.url": url, "flamingo.session.redis.timeout": "200ms"})
			if err == nil {
				t.Fatalf("%s: no error", url)
			}
			for _, part := range []string{password, password[3:], password[:5]} {
				if strings.Contains(err.Error(), part) {
					t.Errorf("error for a URL with password %q shows %q:\n%v", password, part, err)
				}
			}
		}
	}
}

// TestGetInstanceReturnsTheError checks that asking an injector built
// without eager singletons for a component returns the error as well.
func TestGetInstanceReturnsTheError(t *testing.T) {
	injector, err := dingo.NewInjector()
	if err != nil {
		t.Fatal(err)
	}
	injector.SetBuildEagerSingletons(false)
	if err := injector.InitModules(sessionauth.ConfigModule(map[string]any{"flamingo.session.max.age": "30d"}), new(sessionauth.SessionModule)); err != nil {
		t.Fatal(err)
	}
	if _, err = injector.GetInstance(new(web.SessionMiddleware)); err == nil || !strings.Contains(err.Error(), "flamingo.session.max.age") {
		t.Fatalf("GetInstance = %v, want the configuration error", err)
	}
}
