package sessionauthflamingo_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/go-jose/go-jose/v4"
	"gopkg.in/yaml.v3"

	"github.com/sessionauth/sessionauth/internal/oidctest"
)

// TestFlamingoPrivateKeyJWTLogin logs in inside Flamingo at zitadel's
// provider, which has the client registered for private_key_jwt: the broker
// entry reads the PEM key from the environment through Flamingo's own
// %%ENV:NAME%% placeholder, which puts the key's lines into the YAML text,
// and the code is redeemed with a client assertion.
func TestFlamingoPrivateKeyJWTLogin(t *testing.T) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	p := oidctest.Start(t, oidctest.Options{ClientKey: &jose.JSONWebKey{Key: key.Public(), KeyID: "flamingo-key"}})
	cfg := loginConfig(p)
	entry := cfg["core"].(map[string]any)["auth"].(map[string]any)["web"].(map[string]any)["broker"].([]any)[0].(map[string]any)
	delete(entry, "clientSecret")
	entry["tokenEndpointAuthMethod"], entry["privateKey"] = "private_key_jwt", "PRIVATE_KEY_PLACEHOLDER"
	entry["privateKeyID"], entry["assertionAudience"] = "flamingo-key", "issuer"
	raw, err := yaml.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Replace(string(raw), "PRIVATE_KEY_PLACEHOLDER", "'%%ENV:OIDC_PRIVATE_KEY%%'", 1)
	env := []string{"OIDC_PRIVATE_KEY=" + string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := startOn(t, l, yamlDir(t, map[string]string{"config.yml": text}), env, login)

	c := browser(t)
	_, _, authURL := get(t, c, base+"/auth/login?redirecturl=/profile")
	back, err := p.Login(context.Background(), p.Browser(), authURL, oidctest.DefaultUser.Username, oidctest.DefaultUser.Password)
	if err != nil {
		t.Fatal(err)
	}
	if status, _, loc := get(t, c, base+back.RequestURI()); status != http.StatusSeeOther || loc != "/profile" {
		t.Fatalf("callback: %d to %q, want /profile", status, loc)
	}
	if got := body(t, c, base+"/profile"); !strings.HasPrefix(got, oidctest.DefaultUser.ID+" ") {
		t.Fatalf("/profile after login: %q, want the ID token's subject %s", got, oidctest.DefaultUser.ID)
	}
	if p.ExchangeCount() != 1 {
		t.Fatalf("the provider redeemed %d codes", p.ExchangeCount())
	}
}
