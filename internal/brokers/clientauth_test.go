package brokers_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"strings"
	"testing"

	"github.com/sessionauth/sessionauth/internal/brokers"
	"github.com/sessionauth/sessionauth/internal/leaktest"
)

func ed25519PEM(t *testing.T) string {
	t.Helper()
	_, k, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
}

// TestClientAuthProblems: each mistake in the client authentication of an
// entry is recorded under its key, with its value (a key or secret hidden)
// and what to write; no part of a key or secret is shown.
func TestClientAuthProblems(t *testing.T) {
	key := ed25519PEM(t)
	const secret = "Zq8xWm3pKt7v"
	oidc := func(fields map[string]any) map[string]any {
		e := map[string]any{"broker": "corp", "typ": "oidc", "endpoint": "https://login.example", "clientID": "shop", "clientSecret": secret}
		for k, v := range fields {
			e[k] = v
		}
		return e
	}
	broken := strings.Replace(key, "\n", "\nAAAA", 2)
	tests := []struct {
		name  string
		entry map[string]any
		want  []string
	}{
		{"unknown method", oidc(map[string]any{"tokenEndpointAuthMethod": "private_key"}),
			[]string{`config key core.auth.web.broker[0].tokenEndpointAuthMethod = "private_key": is not a client authentication method; write client_secret_basic, client_secret_post, client_secret_jwt or private_key_jwt`}},
		{"private_key_jwt without a key", oidc(map[string]any{"tokenEndpointAuthMethod": "private_key_jwt"}),
			[]string{"config key core.auth.web.broker[0].privateKey = (empty): private_key_jwt signs with the client's private key, and none is given; write it", "%%ENV:OIDC_PRIVATE_KEY%%"}},
		{"private key that does not parse", oidc(map[string]any{"tokenEndpointAuthMethod": "private_key_jwt", "privateKey": broken}),
			[]string{`config key core.auth.web.broker[0].privateKey = (hidden): `, "write an RSA (2048 bits or more), EC P-256 or Ed25519 private key"}},
		{"public key", oidc(map[string]any{"tokenEndpointAuthMethod": "private_key_jwt", "privateKey": `{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}`}),
			[]string{`config key core.auth.web.broker[0].privateKey = (hidden): the private key is neither a PEM block`}},
		{"client_secret_jwt with a short secret", oidc(map[string]any{"tokenEndpointAuthMethod": "client_secret_jwt"}),
			[]string{"config key core.auth.web.broker[0].clientSecret = (hidden): client_secret_jwt signs with the client secret (HS256), which needs at least 32 bytes"}},
		{"client_secret_jwt without a secret", oidc(map[string]any{"tokenEndpointAuthMethod": "client_secret_jwt", "clientSecret": nil}),
			[]string{"config key core.auth.web.broker[0].clientSecret = (empty): client_secret_jwt signs with the client secret"}},
		{"key without private_key_jwt", oidc(map[string]any{"privateKey": key}),
			[]string{"config key core.auth.web.broker[0].privateKey = (hidden): is only used with tokenEndpointAuthMethod: private_key_jwt; set that, or remove privateKey"}},
		{"key ID without private_key_jwt", oidc(map[string]any{"privateKeyID": "k1"}),
			[]string{`config key core.auth.web.broker[0].privateKeyID = "k1": is only used with tokenEndpointAuthMethod: private_key_jwt`}},
		{"unknown audience", oidc(map[string]any{"assertionAudience": "token"}),
			[]string{`config key core.auth.web.broker[0].assertionAudience = "token": write tokenEndpoint (the token endpoint URL as the assertion's aud) or issuer`}},
		{"usePAR not a bool", oidc(map[string]any{"usePAR": "yes"}),
			[]string{`config key core.auth.web.broker[0].usePAR = "yes": is a string, not true or false`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, ps := entry(t, tc.entry)
			_, _ = brokers.OIDC(b)
			got := fmt.Sprint(ps.Err())
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("problems do not say %q:\n%s", w, got)
				}
			}
			for _, s := range []string{secret, keyBody(key), keyBody(broken)} {
				if f, ok := leaktest.Fragment(got, s); ok {
					t.Errorf("%q of a secret is shown:\n%s", f, got)
				}
			}
		})
	}
}

// keyBody is the base64 text of a PEM key, without its BEGIN and END lines.
func keyBody(key string) string {
	lines := strings.Split(strings.TrimSpace(key), "\n")
	return strings.Join(lines[1:len(lines)-1], "")
}

// TestClientAuthSettings: a valid entry's keys reach the broker's
// configuration; without them the client authenticates as before.
func TestClientAuthSettings(t *testing.T) {
	key := ed25519PEM(t)
	b, ps := entry(t, map[string]any{"broker": "corp", "typ": "oidc", "endpoint": "https://login.example", "clientID": "shop",
		"tokenEndpointAuthMethod": "private_key_jwt", "privateKey": key, "privateKeyID": "k1", "assertionAudience": "issuer", "usePAR": true})
	if _, err := brokers.OIDC(b); err != nil || ps.Len() > 0 {
		t.Fatalf("%v: %v", err, ps.Err())
	}
}
