package sessionauth_test

import (
	"strings"
	"testing"

	"flamingo.me/dingo"

	"github.com/sessionauth/sessionauth"
	"github.com/sessionauth/sessionauth/config"
)

// FuzzConfiguration builds injectors from arbitrary configuration maps:
// keys of the table, near misses and broker entries, with values of every
// type. It asserts that dingo.NewInjector never panics and that no
// configured secret appears in its error, whole or in part. The backend
// stays in memory, so that nothing is written or dialled.
func FuzzConfiguration(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3}, "30d", "Secret#/?-value")
	f.Add([]byte{5, 9, 200, 17, 33}, "redis://u:p@h/0", "pa#ss/wo?rd")
	f.Add([]byte{40, 41, 42, 43, 44, 45}, "", "x")
	f.Fuzz(func(t *testing.T, shape []byte, text, secret string) {
		if len(shape) > 64 || len(text) > 256 || len(secret) > 256 || strings.Contains(text, secret) {
			return
		}
		secret = "SEC" + secret + "RET" // what is checked below: all but its first and last letter
		cfg := fuzzConfig(shape, text, secret)
		var err error
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Fatalf("dingo.NewInjector panicked: %v\nconfig: %#v", r, cfg)
				}
			}()
			_, err = dingo.NewInjector(sessionauth.ConfigModule(cfg), new(sessionauth.AuthModule))
		}()
		if err != nil && strings.Contains(err.Error(), secret[1:len(secret)-1]) {
			t.Fatalf("error shows the secret %q:\n%v", secret, err)
		}
	})
}

// fuzzConfig turns shape into a configuration: each pair of bytes picks a
// key and the kind of its value. Secrets get secret, other strings text.
func fuzzConfig(shape []byte, text, secret string) map[string]any {
	secrets := map[string]any{
		"flamingo.session.secret": secret, "flamingo.session.redis.password": secret,
		"flamingo.session.redis.url": "redis://user:" + secret + "@cache/0", "flamingo.session.previousSecrets": []any{secret},
	}
	cfg := map[string]any{}
	for i := 0; i+1 < len(shape); i += 2 {
		k := config.Keys[int(shape[i])%len(config.Keys)]
		name := k.Name
		if shape[i]&0x80 != 0 {
			name += "x" // a near miss
		}
		cfg[name] = fuzzValue(shape[i+1], text, secret, k.Secret || name == "flamingo.session.redis.url")
	}
	for k, v := range secrets {
		if _, ok := cfg[k]; !ok || shape[0]%2 == 0 {
			cfg[k] = v
		}
	}
	if len(shape) > 0 && shape[len(shape)-1]%3 == 0 {
		cfg["core.auth.web.broker"] = []any{map[string]any{"broker": text, "typ": []string{"oidc", "fake", text}[len(shape)%3],
			"clientSecret": secret, "users": []any{map[string]any{"username": text, "password": secret}}, text: shape[0]}}
	}
	cfg["flamingo.session.backend"] = "memory"
	cfg["flamingo.session.repository"] = ""
	return cfg
}

func fuzzValue(b byte, text, secret string, isSecret bool) any {
	if isSecret {
		text = secret
	}
	switch b % 8 {
	case 0:
		return text
	case 1:
		return int(b) - 100
	case 2:
		return float64(b) / 7
	case 3:
		return b%2 == 0
	case 4:
		return []any{text, int(b)}
	case 5:
		return map[string]any{text: text}
	case 6:
		return nil
	}
	return []string{text}
}
