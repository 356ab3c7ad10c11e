package oidcbroker_test

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"golang.org/x/oauth2"

	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/infrastructure/oidcbroker"
	"github.com/sessionauth/sessionauth/internal/oidctest"
)

// longSecret is a client secret long enough for client_secret_jwt.
const longSecret = "a client secret of more than 32 bytes"

func rogueBroker(t *testing.T, r *oidctest.Rogue, mutate func(*oidcbroker.Config)) *oidcbroker.Broker {
	t.Helper()
	cfg := oidcbroker.Config{Broker: "rogue", Endpoint: r.Issuer, ClientID: r.ClientID, RedirectURL: "http://app.test/cb"}
	mutate(&cfg)
	b, err := oidcbroker.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// rogueLogin starts a login with b, follows the authorization URL to the
// rogue provider and returns the callback's query.
func rogueLogin(t *testing.T, b *oidcbroker.Broker, verifier string) (authURL string, back url.Values) {
	t.Helper()
	authURL, err := b.AuthCodeURL(context.Background(), domain.AuthCodeRequest{State: "st", Nonce: "n", PKCEVerifier: verifier})
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || resp.StatusCode != http.StatusFound {
		t.Fatalf("authorization endpoint: %s, Location %q", resp.Status, resp.Header.Get("Location"))
	}
	return authURL, loc.Query()
}

// rogueExchangeAndRefresh logs in with b and refreshes once.
func rogueExchangeAndRefresh(t *testing.T, b *oidcbroker.Broker) error {
	t.Helper()
	verifier := oauth2.GenerateVerifier()
	_, q := rogueLogin(t, b, verifier)
	id, err := b.Exchange(context.Background(), q.Get("code"), verifier, "n")
	if err != nil {
		return err
	}
	_, err = b.Refresh(context.Background(), id)
	return err
}

// TestClientAssertionsAtFixture: a provider fixture that verifies every
// client assertion (signature with the registered key or secret, alg, iss
// and sub, aud, exp at most 5 minutes ahead, a jti never seen) accepts the
// code exchange and the refresh of client_secret_jwt and of
// private_key_jwt with Ed25519, EC and RSA keys, with either audience; the
// client secret is never sent along.
func TestClientAssertionsAtFixture(t *testing.T) {
	ed, ec := newClientKey(t, "Ed25519", "ed"), newClientKey(t, "EC", "ec")
	rs := newClientKey(t, "RSA", "rs")
	tests := []struct {
		name     string
		key      any
		alg      jose.SignatureAlgorithm
		issuer   bool // the issuer as audience
		settings func(c *oidcbroker.Config)
	}{
		{"client_secret_jwt", []byte(longSecret), jose.HS256, false, func(c *oidcbroker.Config) {
			c.TokenEndpointAuthMethod, c.ClientSecret = oidcbroker.ClientSecretJWT, longSecret
		}},
		{"private_key_jwt Ed25519 PEM", ed.public.Key, jose.EdDSA, false, func(c *oidcbroker.Config) {
			c.TokenEndpointAuthMethod, c.PrivateKey, c.PrivateKeyID = oidcbroker.PrivateKeyJWT, ed.pem(t), "ed"
		}},
		{"private_key_jwt EC JWK, issuer", ec.public.Key, jose.ES256, true, func(c *oidcbroker.Config) {
			c.TokenEndpointAuthMethod, c.PrivateKey, c.AssertionAudience = oidcbroker.PrivateKeyJWT, ec.jwk(t), oidcbroker.AudienceIssuer
		}},
		{"private_key_jwt RSA PEM", rs.public.Key, jose.RS256, false, func(c *oidcbroker.Config) {
			c.TokenEndpointAuthMethod, c.PrivateKey = oidcbroker.PrivateKeyJWT, rs.pem(t)
			c.ClientSecret = "unused secret"
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := oidctest.StartRogue(t, "rp")
			audience := r.Issuer + "/token"
			if tt.issuer {
				audience = r.Issuer
			}
			r.RequireAssertion(tt.key, tt.alg, audience)
			if err := rogueExchangeAndRefresh(t, rogueBroker(t, r, tt.settings)); err != nil {
				t.Fatal(err)
			}
			forms := r.TokenRequests()
			if len(forms) != 2 || forms[0].Get("grant_type") != "authorization_code" || forms[1].Get("grant_type") != "refresh_token" {
				t.Fatalf("token requests %v", forms)
			}
			for _, f := range forms {
				if f.Has("client_secret") || f.Get("client_id") != "rp" {
					t.Fatalf("token request %v: client_id rp and no client_secret expected", f)
				}
			}
		})
	}
}

// TestClientAssertionRefusedAtFixture: the fixture refuses an assertion
// signed with another key or secret, or meant for another audience; the
// refusal reaches the caller as the provider's invalid_client.
func TestClientAssertionRefusedAtFixture(t *testing.T) {
	registered, other := newClientKey(t, "Ed25519", ""), newClientKey(t, "Ed25519", "")
	tests := []struct {
		name     string
		key      any
		alg      jose.SignatureAlgorithm
		settings func(c *oidcbroker.Config)
	}{
		{"other secret", []byte(longSecret), jose.HS256, func(c *oidcbroker.Config) {
			c.TokenEndpointAuthMethod, c.ClientSecret = oidcbroker.ClientSecretJWT, longSecret+" and more"
		}},
		{"other key", registered.public.Key, jose.EdDSA, func(c *oidcbroker.Config) {
			c.TokenEndpointAuthMethod, c.PrivateKey = oidcbroker.PrivateKeyJWT, other.pem(t)
		}},
		{"issuer where the token endpoint is expected", registered.public.Key, jose.EdDSA, func(c *oidcbroker.Config) {
			c.TokenEndpointAuthMethod, c.PrivateKey, c.AssertionAudience = oidcbroker.PrivateKeyJWT, registered.pem(t), oidcbroker.AudienceIssuer
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := oidctest.StartRogue(t, "rp")
			r.RequireAssertion(tt.key, tt.alg, r.Issuer+"/token")
			err := rogueExchangeAndRefresh(t, rogueBroker(t, r, tt.settings))
			if err == nil || !strings.Contains(err.Error(), `"invalid_client"`) {
				t.Fatalf("exchange: %v, want invalid_client", err)
			}
		})
	}
}

// TestAssertionNamesTheCertificate: a private key given with its
// certificate (PEM blocks one after the other, or a JWK with x5c) signs
// assertions whose header carries the certificate's thumbprints, x5t and
// x5t#S256, by which Entra ID finds the key; a certificate of another key
// is refused.
func TestAssertionNamesTheCertificate(t *testing.T) {
	key := newClientKey(t, "EC", "")
	cert := selfSigned(t, key.private)
	sum1, sum256 := sha1.Sum(cert.Raw), sha256.Sum256(cert.Raw)
	jwk, err := json.Marshal(jose.JSONWebKey{Key: key.private, Certificates: []*x509.Certificate{cert}})
	if err != nil {
		t.Fatal(err)
	}
	certPEM := string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw}))
	for name, text := range map[string]string{"PEM": key.pem(t) + certPEM, "certificate first": certPEM + key.pem(t), "JWK": string(jwk)} {
		t.Run(name, func(t *testing.T) {
			r := oidctest.StartRogue(t, "rp")
			r.RequireAssertion(key.public.Key, jose.ES256, r.Issuer+"/token")
			b := rogueBroker(t, r, func(c *oidcbroker.Config) { c.TokenEndpointAuthMethod, c.PrivateKey = oidcbroker.PrivateKeyJWT, text })
			if err := rogueExchangeAndRefresh(t, b); err != nil {
				t.Fatal(err)
			}
			sig, err := jose.ParseSigned(r.TokenRequests()[0].Get("client_assertion"), []jose.SignatureAlgorithm{jose.ES256})
			if err != nil {
				t.Fatal(err)
			}
			h := sig.Signatures[0].Header.ExtraHeaders
			if h["x5t"] != base64.RawURLEncoding.EncodeToString(sum1[:]) || h["x5t#S256"] != base64.RawURLEncoding.EncodeToString(sum256[:]) {
				t.Fatalf("assertion header %v: want the certificate's thumbprints", h)
			}
		})
	}
	other := newClientKey(t, "EC", "")
	_, err = oidcbroker.New(oidcbroker.Config{Broker: "b", Endpoint: "https://login.example", ClientID: "rp",
		TokenEndpointAuthMethod: oidcbroker.PrivateKeyJWT, PrivateKey: other.pem(t) + certPEM})
	if err == nil || !strings.Contains(err.Error(), "the certificate is not the private key's") {
		t.Fatalf("another key's certificate: %v", err)
	}
}

func selfSigned(t *testing.T, key crypto.Signer) *x509.Certificate {
	t.Helper()
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "rp"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return cert
}

// TestSecretMethods: client_secret_post sends the secret in the body of
// every token request and client_secret_basic never does; both log in and
// refresh at zitadel's provider.
func TestSecretMethods(t *testing.T) {
	for _, method := range []string{oidcbroker.ClientSecretBasic, oidcbroker.ClientSecretPost} {
		t.Run(method, func(t *testing.T) {
			r := oidctest.StartRogue(t, "rp")
			b := rogueBroker(t, r, func(c *oidcbroker.Config) { c.TokenEndpointAuthMethod, c.ClientSecret = method, "s3cret" })
			if err := rogueExchangeAndRefresh(t, b); err != nil {
				t.Fatal(err)
			}
			for _, f := range r.TokenRequests() {
				if inBody := f.Get("client_secret") == "s3cret"; inBody != (method == oidcbroker.ClientSecretPost) {
					t.Fatalf("%s: token request %v", method, f)
				}
			}
			p := oidctest.Start(t, oidctest.Options{})
			if err := jwtLoginAndRefresh(t, p, newBroker(t, p, func(c *oidcbroker.Config) { c.TokenEndpointAuthMethod = method })); err != nil {
				t.Fatal(err)
			}
		})
	}
}
