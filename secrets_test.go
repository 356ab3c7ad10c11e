package sessionauth_test

import (
	"log/slog"
	"math/rand/v2"
	"net/url"
	"strings"
	"testing"

	"flamingo.me/dingo"

	"github.com/sessionauth/sessionauth"
	"github.com/sessionauth/sessionauth/internal/leaktest"
)

// placement puts a secret into a configuration: in a key that holds
// secrets, or where a person might put one by mistake.
type placement struct {
	name string
	cfg  func(secret string) map[string]any
}

// closedRedis is a Redis address nothing listens at, so that a dial fails
// at once; redisBase uses it with a short timeout.
const closedRedis = "127.0.0.1:1"

func redisBase(extra map[string]any) map[string]any {
	cfg := map[string]any{"flamingo.session.backend": "redis", "flamingo.session.redis.host": closedRedis, "flamingo.session.redis.timeout": "200ms"}
	for k, v := range extra {
		cfg[k] = v
	}
	return cfg
}

func migrateBase(extra map[string]any) map[string]any {
	cfg := map[string]any{"flamingo.session.migrate.from": "redis", "flamingo.session.redis.timeout": "200ms"}
	for k, v := range extra {
		cfg[k] = v
	}
	return cfg
}

func brokerCfg(fields map[string]any) map[string]any {
	entry := map[string]any{"broker": "corp", "typ": "oidc", "endpoint": "http://" + closedRedis, "clientID": "shop", "clientSecret": "cs"}
	for k, v := range fields {
		entry[k] = v
	}
	return map[string]any{"core.auth.web.broker": []any{entry}}
}

func fakeUserCfg(fields map[string]any) map[string]any {
	user := map[string]any{"username": "alice"}
	for k, v := range fields {
		user[k] = v
	}
	return map[string]any{"core.auth.web.broker": []any{map[string]any{"broker": "dev", "typ": "fake", "users": []any{user}}}}
}

// userinfo is "app:secret" as a URL carries it, percent-encoded.
func userinfo(secret string) string { return url.UserPassword("app", secret).String() }

// noColon is a secret that a URL takes for a user name, whole.
func noColon(secret string) string { return strings.ReplaceAll(secret, ":", "") }

// placements are every key that holds a secret, and the places where one
// can be put by mistake: an address or URL with user:password@, a
// misspelt key, a value of the wrong type.
var placements = []placement{
	{"session secret", func(s string) map[string]any { return map[string]any{"flamingo.session.secret": s} }},
	{"session secret list", func(s string) map[string]any {
		return map[string]any{"flamingo.session.secret": []any{"first-secret", s, 7}}
	}},
	{"session secret alias", func(s string) map[string]any { return map[string]any{"session.secret": s} }},
	{"previous secrets", func(s string) map[string]any { return map[string]any{"flamingo.session.previousSecrets": []any{s, ""}} }},
	{"token key", func(s string) map[string]any { return map[string]any{"core.auth.web.tokenKey": s} }},
	{"previous token keys", func(s string) map[string]any { return map[string]any{"core.auth.web.previousTokenKeys": []any{s}} }},
	{"redis url", func(s string) map[string]any {
		return redisBase(map[string]any{"flamingo.session.redis.url": "redis://app:" + s + "@" + closedRedis + "/0"})
	}},
	{"redis url encoded", func(s string) map[string]any {
		return redisBase(map[string]any{"flamingo.session.redis.url": "redis://" + userinfo(s) + "@" + closedRedis + "/0"})
	}},
	{"redis password", func(s string) map[string]any { return redisBase(map[string]any{"flamingo.session.redis.password": s}) }},
	{"redis password list", func(s string) map[string]any {
		return redisBase(map[string]any{"flamingo.session.redis.password": []any{s}})
	}},
	{"sentinel password", func(s string) map[string]any {
		return redisBase(map[string]any{"flamingo.session.redis.sentinel.master": "m", "flamingo.session.redis.sentinel.addresses": closedRedis,
			"flamingo.session.redis.sentinel.password": s, "flamingo.session.redis.sentinel.username": s})
	}},
	{"migrate url", func(s string) map[string]any {
		return migrateBase(map[string]any{"flamingo.session.migrate.redis.url": "redis://app:" + s + "@" + closedRedis + "/0"})
	}},
	{"migrate url encoded", func(s string) map[string]any {
		return migrateBase(map[string]any{"flamingo.session.migrate.redis.url": "redis://" + userinfo(s) + "@" + closedRedis})
	}},
	{"migrate password", func(s string) map[string]any {
		return migrateBase(map[string]any{"flamingo.session.migrate.redis.host": closedRedis, "flamingo.session.migrate.redis.password": s})
	}},
	{"client secret", func(s string) map[string]any { return brokerCfg(map[string]any{"clientSecret": s}) }},
	{"client secret list", func(s string) map[string]any { return brokerCfg(map[string]any{"clientSecret": []any{s}}) }},
	{"client secret of client_secret_jwt", func(s string) map[string]any {
		return brokerCfg(map[string]any{"tokenEndpointAuthMethod": "client_secret_jwt", "clientSecret": s})
	}},
	{"private key", func(s string) map[string]any {
		return brokerCfg(map[string]any{"tokenEndpointAuthMethod": "private_key_jwt", "privateKey": s})
	}},
	{"private key in PEM", func(s string) map[string]any {
		return brokerCfg(map[string]any{"tokenEndpointAuthMethod": "private_key_jwt",
			"privateKey": "-----BEGIN PRIVATE KEY-----\n" + s + "\n-----END PRIVATE KEY-----\n"})
	}},
	{"private key in a JWK", func(s string) map[string]any {
		return brokerCfg(map[string]any{"tokenEndpointAuthMethod": "private_key_jwt", "privateKey": `{"kty":"OKP","crv":"Ed25519","d":"` + s + `"}`})
	}},
	{"private key without private_key_jwt", func(s string) map[string]any { return brokerCfg(map[string]any{"privateKey": s}) }},
	{"private key misspelt", func(s string) map[string]any { return brokerCfg(map[string]any{"privatkey": s}) }},
	{"private key list", func(s string) map[string]any {
		return brokerCfg(map[string]any{"tokenEndpointAuthMethod": "private_key_jwt", "privateKey": []any{s}})
	}},
	{"fake user password", func(s string) map[string]any { return fakeUserCfg(map[string]any{"password": s}) }},
	{"fake user password number list", func(s string) map[string]any { return fakeUserCfg(map[string]any{"password": []any{s, 1}}) }},

	{"password in redis host", func(s string) map[string]any {
		return redisBase(map[string]any{"flamingo.session.redis.host": "app:" + s + "@" + closedRedis})
	}},
	{"password in cluster seeds", func(s string) map[string]any {
		return redisBase(map[string]any{"flamingo.session.redis.clusterMode": true, "flamingo.session.redis.host": closedRedis + ",app:" + s + "@127.0.0.1:2"})
	}},
	{"password in sentinel addresses", func(s string) map[string]any {
		return redisBase(map[string]any{"flamingo.session.redis.sentinel.master": "m", "flamingo.session.redis.sentinel.addresses": ":" + s + "@" + closedRedis})
	}},
	{"password in migrate host", func(s string) map[string]any {
		return migrateBase(map[string]any{"flamingo.session.migrate.redis.host": "app:" + s + "@" + closedRedis})
	}},
	{"password as redis user", func(s string) map[string]any { return redisBase(map[string]any{"flamingo.session.redis.username": s}) }},
	{"password as migrate user", func(s string) map[string]any {
		return migrateBase(map[string]any{"flamingo.session.migrate.redis.host": closedRedis, "flamingo.session.migrate.redis.username": s})
	}},
	{"client secret as client ID", func(s string) map[string]any { return brokerCfg(map[string]any{"clientID": s, "clientSecret": "cs"}) }},
	{"password as url user", func(s string) map[string]any {
		return redisBase(map[string]any{"flamingo.session.redis.url": "redis://" + noColon(s) + "@" + closedRedis + "/0"})
	}},
	{"password as url parameter", func(s string) map[string]any {
		return redisBase(map[string]any{"flamingo.session.redis.url": "redis://" + closedRedis + "/0?password=" + url.QueryEscape(s)})
	}},
	{"password in base url", func(s string) map[string]any {
		return map[string]any{"core.auth.web.baseURL": "https://app:" + s + "@shop.example"}
	}},
	{"password in logout redirect", func(s string) map[string]any {
		return map[string]any{"core.auth.web.postLogoutRedirect": "https://app:" + s + "@shop.example/bye"}
	}},
	{"password in endpoint", func(s string) map[string]any {
		return brokerCfg(map[string]any{"endpoint": "https://shop:" + s + "@idp.example"})
	}},
	{"password in relative endpoint", func(s string) map[string]any {
		return brokerCfg(map[string]any{"endpoint": "shop:" + s + "@idp.example"})
	}},
	{"password in redirect url", func(s string) map[string]any {
		return brokerCfg(map[string]any{"redirectURL": "https://app:" + s + "@shop.example/cb"})
	}},
	{"misspelt session secret", func(s string) map[string]any { return map[string]any{"flamingo.session.secrets": s} }},
	{"misspelt token key", func(s string) map[string]any { return map[string]any{"core.auth.web.tokenkey": s} }},
	{"misspelt redis password", func(s string) map[string]any { return redisBase(map[string]any{"flamingo.session.redis.pasword": s}) }},
	{"misspelt client secret", func(s string) map[string]any { return brokerCfg(map[string]any{"clientsecret": s}) }},
	{"misspelt fake user password", func(s string) map[string]any { return fakeUserCfg(map[string]any{"passwort": s}) }},
	{"redis password under Redis's own name", func(s string) map[string]any {
		return redisBase(map[string]any{"flamingo.session.redis.requirepass": s})
	}},
	{"session secret as a key", func(s string) map[string]any { return map[string]any{"flamingo.session.key": s} }},
	{"session secret as a signing key", func(s string) map[string]any { return map[string]any{"flamingo.session.signingKey": s} }},
	{"token under a name of its own", func(s string) map[string]any { return map[string]any{"core.auth.web.apiToken": s} }},
	{"broker token", func(s string) map[string]any { return brokerCfg(map[string]any{"token": s}) }},
	{"fake user pwd", func(s string) map[string]any { return fakeUserCfg(map[string]any{"pwd": s}) }},
	{"fake user as a string", func(s string) map[string]any {
		return map[string]any{"core.auth.web.broker": []any{map[string]any{"broker": "dev", "typ": "fake", "users": []any{"alice:" + s}}}}
	}},
}

// TestReportedSecretLeaks are the two leaks found by hand: a Redis URL
// whose password holds "#" (url.Parse quoted its first part as a port),
// and a password in flamingo.session.redis.host (shown in the error and in
// go-redis's own warning). Each error must say what to write instead.
func TestReportedSecretLeaks(t *testing.T) {
	tests := []struct {
		name, secret string
		cfg          map[string]any
		want         []string
	}{
		{"url with # in the password", "Sup3r#Secr3t/pw?x", redisBase(map[string]any{"flamingo.session.redis.url": "redis://app:Sup3r#Secr3t/pw?x@host:6379/0"}),
			[]string{`flamingo.session.redis.url = "redis://app:xxxxx@host:6379/0"`, "percent-encode", "# as %23"}},
		{"password in the host", "hunter2", redisBase(map[string]any{"flamingo.session.redis.host": "app:hunter2@cache:6379"}),
			[]string{`flamingo.session.redis.host = "app:xxxxx@cache:6379"`, "the password in flamingo.session.redis.password"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			logs := new(logRecorder)
			_, err := sessionauth.New(tc.cfg, dingo.ModuleFunc(func(i *dingo.Injector) { i.Bind(new(slog.Logger)).ToInstance(slog.New(logs)) }))
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("the error does not say %q:\n%v", w, err)
				}
			}
			for _, text := range append(logs.all(), err.Error()) {
				if f, ok := leaktest.Fragment(text, tc.secret); ok {
					t.Errorf("%q of the password is shown:\n%s", f, text)
				}
			}
		})
	}
}

// handSecrets are secrets with the characters that break URLs, quoting and
// parsers in runs that leaktest.Secret does not make ("://", "%zz").
var handSecrets = []string{"Sup3r#Zecr3t/pw?xé", "hunter2ß-Zwölf", "Ωa://b@c:d?e=f#g", "%zz%41%é☃ ßpäced øut ☃", "漢字:パスワード@ü/"}

// TestNoSecretFragments puts secrets with every awkward character into
// every key that holds one and every place a secret is put by mistake,
// builds the configuration through sessionauth.New and dingo.NewInjector
// with a logger that keeps every line, and checks that no error and no log
// line shows any fragment of leaktest.FragmentLen characters of it.
func TestNoSecretFragments(t *testing.T) {
	r := rand.New(rand.NewPCG(19, 2))
	secrets := append([]string(nil), handSecrets...)
	for range 4 {
		secrets = append(secrets, leaktest.Secret(r, 8+r.IntN(24)))
	}
	for _, secret := range secrets {
		checkNoFragments(t, secret)
	}
}

// FuzzNoSecretFragments is TestNoSecretFragments with secrets the fuzzer
// makes: its characters, each pair joined by one of leaktest.Rare, so
// that no fragment can be in a message by chance.
func FuzzNoSecretFragments(f *testing.F) {
	for _, s := range []string{"#/?@:% ", "Sup3r#Secr3t/pw?x", "a://b@c", "%zz%41", "\t\"'\\,;[]"} {
		f.Add(s, uint8(0))
	}
	f.Fuzz(func(t *testing.T, chars string, rare uint8) {
		runes := []rune(chars)
		if len(runes) < 2 || len(runes) > 48 {
			return
		}
		var b strings.Builder
		for i, c := range runes {
			if i%2 == 0 {
				b.WriteRune(leaktest.Rare[(int(rare)+i)%len(leaktest.Rare)])
			}
			b.WriteRune(c)
		}
		checkNoFragments(t, b.String())
	})
}

// checkNoFragments runs every placement of secret.
func checkNoFragments(t *testing.T, secret string) {
	t.Helper()
	fallback := new(logRecorder)
	prev := slog.Default()
	slog.SetDefault(slog.New(fallback))
	defer slog.SetDefault(prev)
	for _, p := range placements {
		logs := new(logRecorder)
		logger := dingo.ModuleFunc(func(i *dingo.Injector) { i.Bind(new(slog.Logger)).ToInstance(slog.New(logs)) })
		var texts []string
		if _, err := sessionauth.New(p.cfg(secret), logger); err != nil {
			texts = append(texts, err.Error())
		}
		_, err := dingo.NewInjector(sessionauth.ConfigModule(p.cfg(secret)), new(sessionauth.SessionModule), new(sessionauth.AuthModule), logger)
		if err != nil {
			texts = append(texts, err.Error())
		}
		texts = append(append(texts, logs.all()...), fallback.all()...)
		for _, text := range texts {
			for _, s := range []string{secret, noColon(secret)} {
				if f, ok := leaktest.Fragment(text, s); ok {
					t.Errorf("%s: %q of the secret %q is shown:\n%s", p.name, f, secret, text)
				}
			}
		}
	}
}
