package oidcbroker_test

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/go-jose/go-jose/v4"
	"golang.org/x/oauth2"

	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/infrastructure/oidcbroker"
	"github.com/sessionauth/sessionauth/internal/oidctest"
)

// TestPushedAuthorizationRequest: with usePAR, or when the provider
// requires it, the login start pushes the whole authorization request
// with the client's authentication, and the browser is sent with
// client_id and request_uri only; the login then completes.
func TestPushedAuthorizationRequest(t *testing.T) {
	key := newClientKey(t, "EC", "ec")
	for name, tt := range map[string]struct {
		require, usePAR bool
		settings        func(c *oidcbroker.Config)
	}{
		"usePAR, private_key_jwt": {false, true, func(c *oidcbroker.Config) {
			c.TokenEndpointAuthMethod, c.PrivateKey = oidcbroker.PrivateKeyJWT, key.pem(t)
		}},
		"required, private_key_jwt": {true, false, func(c *oidcbroker.Config) {
			c.TokenEndpointAuthMethod, c.PrivateKey = oidcbroker.PrivateKeyJWT, key.pem(t)
		}},
		"usePAR, client_secret_post": {false, true, func(c *oidcbroker.Config) {
			c.TokenEndpointAuthMethod, c.ClientSecret = oidcbroker.ClientSecretPost, "s3cret"
		}},
	} {
		t.Run(name, func(t *testing.T) {
			r := oidctest.StartRogue(t, "rp")
			r.EnablePAR(tt.require)
			jwt := strings.Contains(name, "private_key_jwt")
			if jwt {
				r.RequireAssertion(key.public.Key, jose.ES256, r.Issuer+"/token")
			}
			b := rogueBroker(t, r, func(c *oidcbroker.Config) { tt.settings(c); c.UsePAR = tt.usePAR })
			verifier := oauth2.GenerateVerifier()
			authURL, back := rogueLogin(t, b, verifier)
			u, _ := url.Parse(authURL)
			if q := u.Query(); len(q) != 2 || q.Get("client_id") != "rp" || !strings.HasPrefix(q.Get("request_uri"), "urn:") {
				t.Fatalf("authorization URL %s: client_id and request_uri only expected", authURL)
			}
			pushed := r.Pushed()
			if len(pushed) != 1 {
				t.Fatalf("pushed %d requests", len(pushed))
			}
			p := pushed[0]
			for k, want := range map[string]string{"state": "st", "nonce": "n", "response_type": "code", "client_id": "rp",
				"redirect_uri": "http://app.test/cb", "scope": "openid", "code_challenge_method": "S256",
				"code_challenge": oauth2.S256ChallengeFromVerifier(verifier)} {
				if p.Get(k) != want {
					t.Errorf("pushed %s = %q, want %q", k, p.Get(k), want)
				}
			}
			if jwt == (p.Get("client_assertion") == "") || !jwt && p.Get("client_secret") != "s3cret" {
				t.Errorf("pushed request without the client's authentication: %v", p)
			}
			if back.Get("state") != "st" || back.Get("code") == "" {
				t.Fatalf("callback %v", back)
			}
			if _, err := b.Exchange(context.Background(), back.Get("code"), verifier, "n"); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestPushedAuthorizationRequestFailures: usePAR at a provider without the
// endpoint says so; a push the provider refuses is its error; without
// usePAR nothing is pushed to a provider that offers but does not require
// it.
func TestPushedAuthorizationRequestFailures(t *testing.T) {
	r := oidctest.StartRogue(t, "rp")
	start := func(b *oidcbroker.Broker) (string, error) {
		return b.AuthCodeURL(context.Background(), domain.AuthCodeRequest{State: "st", Nonce: "n", PKCEVerifier: oauth2.GenerateVerifier()})
	}
	_, err := start(rogueBroker(t, r, func(c *oidcbroker.Config) { c.UsePAR = true }))
	if !errors.Is(err, oidcbroker.ErrNoPushEndpoint) || !strings.Contains(err.Error(), "remove usePAR") {
		t.Fatalf("usePAR without endpoint: %v", err)
	}
	r.EnablePAR(false)
	if authURL, err := start(rogueBroker(t, r, func(c *oidcbroker.Config) {})); err != nil || strings.Contains(authURL, "request_uri") || len(r.Pushed()) != 0 {
		t.Fatalf("without usePAR: %s, %v, %d pushed", authURL, err, len(r.Pushed()))
	}
	r.RequireAssertion([]byte(longSecret), jose.HS256, r.Issuer+"/token")
	_, err = start(rogueBroker(t, r, func(c *oidcbroker.Config) {
		c.UsePAR, c.TokenEndpointAuthMethod, c.ClientSecret = true, oidcbroker.ClientSecretJWT, longSecret+"!"
	}))
	var pe *domain.ProviderError
	if !errors.As(err, &pe) || pe.Code != "invalid_client" {
		t.Fatalf("refused push: %v", err)
	}
}
