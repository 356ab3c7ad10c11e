package oidcbroker_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/go-jose/go-jose/v4"
	"golang.org/x/oauth2"

	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/infrastructure/oidcbroker"
	"github.com/sessionauth/sessionauth/internal/oidctest"
)

// loginAt logs in at zitadel's provider with b and returns the identity.
func loginAt(t *testing.T, p *oidctest.Provider, b *oidcbroker.Broker) *domain.Identity {
	t.Helper()
	verifier := oauth2.GenerateVerifier()
	q := login(t, p, b, domain.AuthCodeRequest{State: "st", Nonce: "n", PKCEVerifier: verifier})
	id, err := b.Exchange(context.Background(), q.Get("code"), verifier, "n")
	if err != nil {
		t.Fatal(err)
	}
	if id.RefreshToken == "" || id.AccessToken == "" {
		t.Fatalf("identity without tokens: refresh %v, access %v", id.RefreshToken != "", id.AccessToken != "")
	}
	return id
}

// TestRevokeTokensAgainstProvider: with revokeTokensAtLogout, zitadel's
// provider revokes the login's refresh token, so a refresh afterwards is
// rejected; with a client secret (client_secret_basic) and with
// private_key_jwt, where zitadel's revocation endpoint accepts nothing but
// an assertion signed with the registered key. Without the setting,
// nothing is revoked and the refresh token stays good.
func TestRevokeTokensAgainstProvider(t *testing.T) {
	key := newClientKey(t, "EC", "key-revoke")
	tests := []struct {
		name    string
		opts    oidctest.Options
		revoke  bool
		setting func(c *oidcbroker.Config)
	}{
		{"client_secret_basic", oidctest.Options{}, true, func(*oidcbroker.Config) {}},
		{"private_key_jwt", oidctest.Options{ClientKey: key.public}, true, func(c *oidcbroker.Config) {
			c.ClientSecret, c.TokenEndpointAuthMethod, c.AssertionAudience = "", oidcbroker.PrivateKeyJWT, oidcbroker.AudienceIssuer
			c.PrivateKey, c.PrivateKeyID = key.pem(t), key.public.KeyID
		}},
		{"not configured", oidctest.Options{}, false, func(*oidcbroker.Config) {}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := oidctest.Start(t, tt.opts)
			b := newBroker(t, p, func(c *oidcbroker.Config) {
				c.RevokeTokensAtLogout = tt.revoke
				tt.setting(c)
			})
			id := loginAt(t, p, b)
			if err := b.RevokeTokens(context.Background(), id); err != nil {
				t.Fatalf("RevokeTokens: %v", err)
			}
			if n, want := p.RevocationCount(), map[bool]int64{true: 2, false: 0}[tt.revoke]; n != want {
				t.Fatalf("the provider accepted %d revocation requests, want %d", n, want)
			}
			_, err := b.Refresh(context.Background(), id)
			if tt.revoke && !errors.Is(err, domain.ErrRefreshRejected) {
				t.Fatalf("refresh after the revocation: %v, want ErrRefreshRejected", err)
			}
			if !tt.revoke && err != nil {
				t.Fatalf("refresh without revocation: %v", err)
			}
		})
	}
}

// TestRevokeTokensAtFixture: a provider fixture that verifies the client
// assertion of every request gets two revocation requests, the refresh
// token first, each with token_type_hint and an assertion of its own
// (client_id, no secret), and refuses the refresh token afterwards.
func TestRevokeTokensAtFixture(t *testing.T) {
	key := newClientKey(t, "Ed25519", "ed")
	r := oidctest.StartRogue(t, "rp")
	r.RequireAssertion(key.public.Key, jose.EdDSA, r.Issuer+"/token")
	r.EnableRevocation()
	b := rogueBroker(t, r, func(c *oidcbroker.Config) {
		c.TokenEndpointAuthMethod, c.PrivateKey, c.PrivateKeyID = oidcbroker.PrivateKeyJWT, key.pem(t), "ed"
		c.RevokeTokensAtLogout = true
	})
	verifier := oauth2.GenerateVerifier()
	_, q := rogueLogin(t, b, verifier)
	id, err := b.Exchange(context.Background(), q.Get("code"), verifier, "n")
	if err != nil {
		t.Fatal(err)
	}
	if err := b.RevokeTokens(context.Background(), id); err != nil {
		t.Fatalf("RevokeTokens: %v", err)
	}
	got := r.Revocations()
	if len(got) != 2 {
		t.Fatalf("the revocation endpoint accepted %d requests, want 2 (refresh and access token): %v", len(got), got)
	}
	for i, want := range []struct{ token, hint string }{{id.RefreshToken, "refresh_token"}, {id.AccessToken, "access_token"}} {
		f := got[i]
		if f.Get("token") != want.token || f.Get("token_type_hint") != want.hint || f.Get("client_id") != "rp" || f.Has("client_secret") {
			t.Fatalf("revocation request %d: %v, want %s with client_id and no secret", i, f, want.hint)
		}
	}
	if got[0].Get("client_assertion") == got[1].Get("client_assertion") {
		t.Fatal("both revocation requests carry the same assertion")
	}
	if _, err := b.Refresh(context.Background(), id); !errors.Is(err, domain.ErrRefreshRejected) {
		t.Fatalf("refresh after the revocation: %v, want ErrRefreshRejected", err)
	}
}

// TestRevokeTokensErrors: a provider that refuses the client, or has no
// revocation endpoint, makes RevokeTokens fail with an error that says
// why and holds neither token; without revokeTokensAtLogout nothing is
// sent at all.
func TestRevokeTokensErrors(t *testing.T) {
	registered, other := newClientKey(t, "Ed25519", ""), newClientKey(t, "Ed25519", "")
	id := &domain.Identity{Broker: "rogue", AccessToken: "access-token-value", RefreshToken: "refresh-token-value"}
	noToken := func(t *testing.T, err error) {
		t.Helper()
		if err == nil || strings.Contains(err.Error(), "token-value") {
			t.Fatalf("RevokeTokens: %v, want an error without the tokens", err)
		}
	}
	t.Run("refused", func(t *testing.T) {
		r := oidctest.StartRogue(t, "rp")
		r.RequireAssertion(registered.public.Key, jose.EdDSA, r.Issuer+"/token")
		r.EnableRevocation()
		b := rogueBroker(t, r, func(c *oidcbroker.Config) {
			c.TokenEndpointAuthMethod, c.PrivateKey, c.RevokeTokensAtLogout = oidcbroker.PrivateKeyJWT, other.pem(t), true
		})
		err := b.RevokeTokens(context.Background(), id)
		noToken(t, err)
		if !strings.Contains(err.Error(), "revoking the refresh token: the provider answered 401 invalid_client") ||
			!strings.Contains(err.Error(), "revoking the access token") {
			t.Fatalf("RevokeTokens: %v", err)
		}
	})
	t.Run("no endpoint", func(t *testing.T) {
		r := oidctest.StartRogue(t, "rp")
		b := rogueBroker(t, r, func(c *oidcbroker.Config) { c.ClientSecret, c.RevokeTokensAtLogout = "s3cret", true })
		err := b.RevokeTokens(context.Background(), id)
		noToken(t, err)
		if !errors.Is(err, oidcbroker.ErrNoRevocationEndpoint) {
			t.Fatalf("RevokeTokens: %v, want ErrNoRevocationEndpoint", err)
		}
	})
	t.Run("not configured", func(t *testing.T) {
		r := oidctest.StartRogue(t, "rp")
		r.EnableRevocation()
		b := rogueBroker(t, r, func(c *oidcbroker.Config) { c.ClientSecret = "s3cret" })
		if err := b.RevokeTokens(context.Background(), id); err != nil || len(r.Revocations()) != 0 {
			t.Fatalf("RevokeTokens: %v, %d requests; want none", err, len(r.Revocations()))
		}
	})
}
