package oidcbroker_test

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"strings"
	"testing"

	"github.com/go-jose/go-jose/v4"
	"golang.org/x/oauth2"

	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/infrastructure/oidcbroker"
	"github.com/sessionauth/sessionauth/internal/oidctest"
)

// clientKey is a private key of a private_key_jwt client in the forms a
// configuration holds it, and its public half as the provider registers it.
type clientKey struct {
	private crypto.Signer
	public  *jose.JSONWebKey
}

func newClientKey(t *testing.T, kind, kid string) clientKey {
	t.Helper()
	var k crypto.Signer
	var err error
	switch kind {
	case "RSA":
		k, err = rsa.GenerateKey(rand.Reader, 2048)
	case "EC":
		k, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case "Ed25519":
		_, k, err = ed25519.GenerateKey(rand.Reader)
	}
	if err != nil {
		t.Fatal(err)
	}
	return clientKey{private: k, public: &jose.JSONWebKey{Key: k.Public(), KeyID: kid, Use: "sig"}}
}

// pem is the key as PKCS #8 PEM text.
func (k clientKey) pem(t *testing.T) string {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(k.private)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
}

// jwk is the key as a private JWK with its kid.
func (k clientKey) jwk(t *testing.T) string {
	t.Helper()
	raw, err := json.Marshal(jose.JSONWebKey{Key: k.private, KeyID: k.public.KeyID})
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

// jwtLoginAndRefresh logs in at p with b, exchanges the code and refreshes
// the tokens: every call to the token endpoint.
func jwtLoginAndRefresh(t *testing.T, p *oidctest.Provider, b *oidcbroker.Broker) error {
	t.Helper()
	verifier := oauth2.GenerateVerifier()
	q := login(t, p, b, domain.AuthCodeRequest{State: "st", Nonce: "n", PKCEVerifier: verifier})
	id, err := b.Exchange(context.Background(), q.Get("code"), verifier, "n")
	if err != nil {
		return err
	}
	if id.Subject != oidctest.DefaultUser.ID || id.RefreshToken == "" {
		t.Fatalf("identity %+v", id)
	}
	next, err := b.Refresh(context.Background(), id)
	if err != nil {
		return err
	}
	if next.AccessToken == id.AccessToken {
		t.Fatal("refresh kept the access token")
	}
	return nil
}

// TestPrivateKeyJWTAgainstProvider logs in and refreshes with zitadel's
// provider, which accepts nothing but assertions signed with the client's
// registered key, with the issuer as audience: RSA and EC keys, as PEM and
// as JWK, the kid from the JWK or from privateKeyID.
func TestPrivateKeyJWTAgainstProvider(t *testing.T) {
	for _, kind := range []string{"RSA", "EC"} {
		key := newClientKey(t, kind, "key-"+kind)
		p := oidctest.Start(t, oidctest.Options{ClientKey: key.public})
		for name, mutate := range map[string]func(*oidcbroker.Config){
			"pem": func(c *oidcbroker.Config) { c.PrivateKey, c.PrivateKeyID = key.pem(t), key.public.KeyID },
			"pem in one line": func(c *oidcbroker.Config) {
				c.PrivateKey, c.PrivateKeyID = strings.ReplaceAll(key.pem(t), "\n", `\n`), key.public.KeyID
			},
			"pem folded": func(c *oidcbroker.Config) {
				c.PrivateKey, c.PrivateKeyID = strings.ReplaceAll(key.pem(t), "\n", " "), key.public.KeyID
			},
			"jwk": func(c *oidcbroker.Config) { c.PrivateKey = key.jwk(t) },
		} {
			t.Run(kind+" "+name, func(t *testing.T) {
				b := newBroker(t, p, func(c *oidcbroker.Config) {
					c.ClientSecret, c.TokenEndpointAuthMethod, c.AssertionAudience = "", oidcbroker.PrivateKeyJWT, oidcbroker.AudienceIssuer
					mutate(c)
				})
				if err := jwtLoginAndRefresh(t, p, b); err != nil {
					t.Fatal(err)
				}
			})
		}
	}
}

// TestPrivateKeyJWTRefusedByProvider: zitadel refuses the exchange
// (invalid_grant or invalid_client) when
// the assertion is signed with another key, names an unknown kid, has the
// token endpoint as audience where the provider wants its issuer, or when
// the client sends its secret instead.
func TestPrivateKeyJWTRefusedByProvider(t *testing.T) {
	key := newClientKey(t, "RSA", "registered")
	p := oidctest.Start(t, oidctest.Options{ClientKey: key.public})
	other := newClientKey(t, "RSA", "registered")
	for name, mutate := range map[string]func(*oidcbroker.Config){
		"other key":      func(c *oidcbroker.Config) { c.PrivateKey = other.jwk(t) },
		"unknown kid":    func(c *oidcbroker.Config) { c.PrivateKey, c.PrivateKeyID = key.pem(t), "unknown" },
		"token endpoint": func(c *oidcbroker.Config) { c.PrivateKey, c.AssertionAudience = key.jwk(t), "" },
		"secret, not a key": func(c *oidcbroker.Config) {
			c.TokenEndpointAuthMethod, c.ClientSecret = oidcbroker.ClientSecretBasic, p.ClientSecret
		},
	} {
		t.Run(name, func(t *testing.T) {
			b := newBroker(t, p, func(c *oidcbroker.Config) {
				c.ClientSecret, c.TokenEndpointAuthMethod, c.AssertionAudience = "", oidcbroker.PrivateKeyJWT, oidcbroker.AudienceIssuer
				mutate(c)
			})
			err := jwtLoginAndRefresh(t, p, b)
			var pe *domain.ProviderError
			if !errors.As(err, &pe) || pe.Code != "invalid_client" && pe.Code != "invalid_grant" {
				t.Fatalf("exchange: %v, want the provider's refusal", err)
			}
		})
	}
}

// TestPrivateKeyFormats: the key formats a private_key_jwt configuration
// may hold, and the refusals of keys that cannot sign well, each saying
// what is wrong without quoting the key.
func TestPrivateKeyFormats(t *testing.T) {
	rsaKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	weak, _ := rsa.GenerateKey(rand.Reader, 1024)
	ec, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	p224, _ := ecdsa.GenerateKey(elliptic.P224(), rand.Reader)
	sec1, _ := x509.MarshalECPrivateKey(ec)
	pkcs8 := func(k any) []byte { der, _ := x509.MarshalPKCS8PrivateKey(k); return der }
	pub, _ := x509.MarshalPKIXPublicKey(rsaKey.Public())
	block := func(typ string, der []byte) string {
		return string(pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}))
	}
	for _, tc := range []struct {
		name, key, err string
	}{
		{"PKCS #1", block("RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(rsaKey)), ""},
		{"SEC 1 P-384", block("EC PRIVATE KEY", sec1), ""},
		{"RSA of 1024 bits", block("PRIVATE KEY", pkcs8(weak)), "the RSA key has 1024 bits; use one of at least 2048"},
		{"P-224", block("EC PRIVATE KEY", must(x509.MarshalECPrivateKey(p224))), "the EC key's curve is not P-256, P-384 or P-521"},
		{"public key", block("PUBLIC KEY", pub), `a PEM block of type "PUBLIC KEY" is not a private key`},
		{"damaged", block("PRIVATE KEY", []byte("not DER")), `the PEM block of type "PRIVATE KEY" does not hold a valid key of that type`},
		{"no key", "", "no private key"},
		{"a path", "/etc/keys/rp.pem", "the private key is neither a PEM block"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := oidcbroker.New(oidcbroker.Config{Broker: "b", Endpoint: "https://login.example", ClientID: "rp",
				TokenEndpointAuthMethod: oidcbroker.PrivateKeyJWT, PrivateKey: tc.key})
			if tc.err == "" && err != nil || tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)) {
				t.Fatalf("New: %v, want %q", err, tc.err)
			}
		})
	}
}

func must(der []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return der
}
