package oidcbroker_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/infrastructure/oidcbroker"
)

func tokenServerBroker(t *testing.T, ts *tokenServer) *oidcbroker.Broker {
	t.Helper()
	b, err := oidcbroker.New(oidcbroker.Config{
		Broker: "test", Endpoint: ts.URL, ClientID: "client", ClientSecret: "shared-secret",
		RedirectURL: "http://app.test/cb", EnableEndSessionEndpoint: true, DiscoveryRetry: time.Nanosecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestIDTokenVerification(t *testing.T) {
	ts := startTokenServer(t)
	b := tokenServerBroker(t, ts)
	now := time.Now()
	claims := func(change func(map[string]any)) map[string]any {
		c := map[string]any{"iss": ts.URL, "sub": "u1", "aud": "client", "exp": now.Add(time.Hour).Unix(),
			"iat": now.Unix(), "nonce": "n", "email": "u1@example.test"}
		if change != nil {
			change(c)
		}
		return c
	}
	tests := []struct {
		name  string
		alg   string
		claim func(map[string]any)
		want  error
	}{
		{name: "RS256 accepted", alg: "RS256"},
		{name: "ES256 accepted", alg: "ES256"},
		{name: "azp of several audiences", alg: "RS256", claim: func(c map[string]any) { c["aud"], c["azp"] = []string{"client", "api"}, "client" }},
		{name: "alg none", alg: "none", want: domain.ErrInvalidIDToken},
		{name: "HS256 with the client secret", alg: "HS256", want: domain.ErrInvalidIDToken},
		{name: "unknown key", alg: "RS256-stranger", want: domain.ErrInvalidIDToken},
		{name: "wrong audience", alg: "RS256", claim: func(c map[string]any) { c["aud"] = "other" }, want: domain.ErrInvalidIDToken},
		{name: "wrong issuer", alg: "RS256", claim: func(c map[string]any) { c["iss"] = "https://evil.example" }, want: domain.ErrInvalidIDToken},
		{name: "expired", alg: "ES256", claim: func(c map[string]any) { c["exp"] = now.Add(-time.Minute).Unix() }, want: domain.ErrInvalidIDToken},
		{name: "several audiences without azp", alg: "RS256", claim: func(c map[string]any) { c["aud"] = []string{"client", "api"} }, want: domain.ErrInvalidIDToken},
		{name: "azp of another client", alg: "RS256", claim: func(c map[string]any) { c["azp"] = "api" }, want: domain.ErrInvalidIDToken},
		{name: "no sub", alg: "RS256", claim: func(c map[string]any) { delete(c, "sub") }, want: domain.ErrInvalidIDToken},
		{name: "empty sub", alg: "RS256", claim: func(c map[string]any) { c["sub"] = "" }, want: domain.ErrInvalidIDToken},
		{name: "no iat", alg: "RS256", claim: func(c map[string]any) { delete(c, "iat") }, want: domain.ErrInvalidIDToken},
		{name: "iat beyond the clock skew", alg: "RS256", claim: func(c map[string]any) { c["iat"] = now.Add(6 * time.Minute).Unix() }, want: domain.ErrInvalidIDToken},
		{name: "iat within the clock skew", alg: "RS256", claim: func(c map[string]any) { c["iat"] = now.Add(4 * time.Minute).Unix() }},
		{name: "at_hash of the access token", alg: "ES256", claim: func(c map[string]any) { c["at_hash"] = atHash("at") }},
		{name: "at_hash of another access token", alg: "RS256", claim: func(c map[string]any) { c["at_hash"] = atHash("other") }, want: domain.ErrInvalidIDToken},
		{name: "nonce missing", alg: "RS256", claim: func(c map[string]any) { delete(c, "nonce") }, want: domain.ErrNonceMismatch},
		{name: "nonce of another login", alg: "RS256", claim: func(c map[string]any) { c["nonce"] = "m" }, want: domain.ErrNonceMismatch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts.respond(ts.keys.sign(t, tt.alg, claims(tt.claim), "shared-secret"), nil)
			id, err := b.Exchange(context.Background(), "code", "verifier", "n")
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if tt.want == nil && (id.Subject != "u1" || id.User.Email != "u1@example.test" || id.AccessToken != "at") {
				t.Fatalf("identity %+v", id)
			}
		})
	}
}

// atHash is the at_hash of accessToken for an RS256 or ES256 ID token.
func atHash(accessToken string) string {
	sum := sha256.Sum256([]byte(accessToken))
	return base64.RawURLEncoding.EncodeToString(sum[:len(sum)/2])
}

func TestProviderErrorsOnTokenEndpoint(t *testing.T) {
	ts := startTokenServer(t)
	b := tokenServerBroker(t, ts)
	tests := []struct {
		name      string
		code      string
		refreshOK bool
	}{
		{name: "invalid_grant rejects the refresh token", code: "invalid_grant"},
		{name: "temporarily_unavailable is transient", code: "temporarily_unavailable", refreshOK: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts.respond("", map[string]any{"error": tt.code, "error_description": "because"})
			_, err := b.Refresh(context.Background(), &domain.Identity{RefreshToken: "rt"})
			var pe *domain.ProviderError
			if !errors.As(err, &pe) || pe.Code != tt.code || pe.Description != "because" {
				t.Fatalf("err = %v, want provider error %q", err, tt.code)
			}
			if errors.Is(err, domain.ErrRefreshRejected) == tt.refreshOK {
				t.Fatalf("err = %v: rejected = %v, want %v", err, !tt.refreshOK, !tt.refreshOK)
			}
		})
	}
	_, err := b.Refresh(context.Background(), &domain.Identity{})
	if !errors.Is(err, domain.ErrRefreshRejected) {
		t.Fatalf("refresh without refresh token: err = %v", err)
	}
}

func TestCheckIssuer(t *testing.T) {
	ts := startTokenServer(t) // announces authorization_response_iss_parameter_supported
	b := tokenServerBroker(t, ts)
	tests := []struct {
		iss  string
		want error
	}{
		{iss: ts.URL},
		{iss: "", want: domain.ErrIssuerMismatch},
		{iss: "https://evil.example", want: domain.ErrIssuerMismatch},
		{iss: ts.URL + "/", want: domain.ErrIssuerMismatch},
	}
	for _, tt := range tests {
		if err := b.CheckIssuer(context.Background(), tt.iss); !errors.Is(err, tt.want) {
			t.Errorf("CheckIssuer(%q) = %v, want %v", tt.iss, err, tt.want)
		}
	}
}

func TestLazyDiscoveryAndStatus(t *testing.T) {
	ts := startTokenServer(t)
	ts.down.Store(true)
	b := tokenServerBroker(t, ts) // the provider is down: construction still succeeds
	if alive, details := b.Status(); alive || !strings.Contains(details, "unavailable") {
		t.Fatalf("Status() = %v, %q while the provider is down", alive, details)
	}
	_, err := b.AuthCodeURL(context.Background(), domain.AuthCodeRequest{State: "s"})
	if !errors.Is(err, domain.ErrProviderUnavailable) {
		t.Fatalf("AuthCodeURL err = %v", err)
	}
	ts.down.Store(false)
	if alive, details := b.Status(); !alive {
		t.Fatalf("Status() = %v, %q after the provider came back", alive, details)
	}
	raw, err := b.AuthCodeURL(context.Background(), domain.AuthCodeRequest{
		State: "s", Nonce: "n", PKCEVerifier: "v", Params: url.Values{"prompt": {"login"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	q := mustQuery(t, raw)
	want := map[string]string{"state": "s", "nonce": "n", "code_challenge_method": "S256", "prompt": "login",
		"scope": "openid", "client_id": "client", "response_type": "code", "redirect_uri": "http://app.test/cb"}
	for k, v := range want {
		if q.Get(k) != v {
			t.Errorf("%s = %q, want %q", k, q.Get(k), v)
		}
	}
	if q.Get("code_challenge") == "" || q.Get("code_challenge") == "v" {
		t.Errorf("code_challenge = %q", q.Get("code_challenge"))
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	good := oidcbroker.Config{Broker: "b", Endpoint: "https://idp.example", ClientID: "c", RedirectURL: "https://app.example/cb"}
	tests := []struct {
		name   string
		mutate func(*oidcbroker.Config)
	}{
		{"no broker", func(c *oidcbroker.Config) { c.Broker = "" }},
		{"no endpoint", func(c *oidcbroker.Config) { c.Endpoint = "" }},
		{"relative redirect", func(c *oidcbroker.Config) { c.RedirectURL = "/cb" }},
		{"no client", func(c *oidcbroker.Config) { c.ClientID = "" }},
		{"symmetric algorithm", func(c *oidcbroker.Config) { c.SigningAlgorithms = []string{"HS256"} }},
	}
	if _, err := oidcbroker.New(good); err != nil {
		t.Fatalf("good config: %v", err)
	}
	for _, tt := range tests {
		cfg := good
		tt.mutate(&cfg)
		if _, err := oidcbroker.New(cfg); err == nil {
			t.Errorf("%s: New succeeded", tt.name)
		}
	}
}

func mustQuery(t *testing.T, raw string) url.Values {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u.Query()
}

// TestRefreshedIDTokenVerification: an ID token that comes with refreshed
// tokens is verified with the rules of the login and must be about the
// same subject.
func TestRefreshedIDTokenVerification(t *testing.T) {
	ts := startTokenServer(t)
	b := tokenServerBroker(t, ts)
	now := time.Now()
	claims := func(change func(map[string]any)) map[string]any {
		c := map[string]any{"iss": ts.URL, "sub": "u1", "aud": "client", "exp": now.Add(time.Hour).Unix(), "iat": now.Unix()}
		if change != nil {
			change(c)
		}
		return c
	}
	tests := []struct {
		name  string
		alg   string
		claim func(map[string]any)
		want  error
	}{
		{name: "same subject", alg: "RS256"},
		{name: "another subject", alg: "RS256", claim: func(c map[string]any) { c["sub"] = "u2" }, want: domain.ErrInvalidIDToken},
		{name: "no sub", alg: "RS256", claim: func(c map[string]any) { delete(c, "sub") }, want: domain.ErrInvalidIDToken},
		{name: "no iat", alg: "RS256", claim: func(c map[string]any) { delete(c, "iat") }, want: domain.ErrInvalidIDToken},
		{name: "iat in the future", alg: "RS256", claim: func(c map[string]any) { c["iat"] = now.Add(time.Hour).Unix() }, want: domain.ErrInvalidIDToken},
		{name: "unknown key", alg: "RS256-stranger", want: domain.ErrInvalidIDToken},
		{name: "another audience", alg: "RS256", claim: func(c map[string]any) { c["aud"] = "other" }, want: domain.ErrInvalidIDToken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts.respond(ts.keys.sign(t, tt.alg, claims(tt.claim), ""), nil)
			id, err := b.Refresh(context.Background(), &domain.Identity{Broker: "test", Subject: "u1", RefreshToken: "old"})
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if tt.want == nil && (id.Subject != "u1" || id.AccessToken != "at") {
				t.Fatalf("identity %+v", id)
			}
		})
	}
}

// A refresh whose response has no ID token keeps the identity's ID token;
// with a userinfo mapping the user is renewed from userinfo, which must be
// about the same subject.
func TestRefreshWithoutIDToken(t *testing.T) {
	ts := startTokenServer(t)
	old := &domain.Identity{Broker: "test", Subject: "u1", RefreshToken: "old", AccessToken: "old-at",
		IDToken: domain.IDToken{Subject: "u1", Raw: "raw", Payload: []byte(`{"sub":"u1","name":"Old Name"}`)},
		User:    domain.User{Sub: "u1", Name: "Old Name", Type: domain.UserTypeUser}}
	tests := []struct {
		name     string
		userInfo map[string]string
		info     map[string]any
		wantName string
		wantErr  error
	}{
		{"no userinfo mapping", nil, map[string]any{"sub": "u1", "name": "New Name"}, "Old Name", nil},
		{"userinfo mapping", map[string]string{"name": "name"}, map[string]any{"sub": "u1", "name": "New Name"}, "New Name", nil},
		{"userinfo about another user", map[string]string{"name": "name"}, map[string]any{"sub": "u2", "name": "New Name"}, "", domain.ErrInvalidIDToken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := oidcbroker.New(oidcbroker.Config{Broker: "test", Endpoint: ts.URL, ClientID: "client",
				RedirectURL: "http://app.test/cb", Claims: oidcbroker.ClaimMapping{UserInfo: tt.userInfo}})
			if err != nil {
				t.Fatal(err)
			}
			ts.respond("", nil)
			ts.mu.Lock()
			ts.userInfo = tt.info
			ts.mu.Unlock()
			id, err := b.Refresh(context.Background(), old)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Refresh: %v, want %v", err, tt.wantErr)
			}
			if err == nil && (id.User.Name != tt.wantName || id.AccessToken != "at" || id.IDToken.Raw != "raw" || id.Subject != "u1") {
				t.Fatalf("identity %+v, want user %q, the new access token and the old ID token", id, tt.wantName)
			}
		})
	}
}
