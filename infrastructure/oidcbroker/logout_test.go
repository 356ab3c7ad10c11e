package oidcbroker_test

import (
	"context"
	"crypto"
	"errors"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"

	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/infrastructure/oidcbroker"
)

const backChannelEvent = "http://schemas.openid.net/event/backchannel-logout"

func TestVerifyLogoutToken(t *testing.T) {
	ts := startTokenServer(t)
	now := time.Now()
	claims := func(change func(map[string]any)) map[string]any {
		c := map[string]any{"iss": ts.URL, "aud": "client", "exp": now.Add(time.Hour).Unix(), "iat": now.Unix(), "jti": "j1",
			"sub": "u1", "sid": "s1", "events": map[string]any{backChannelEvent: map[string]any{}}}
		if change != nil {
			change(c)
		}
		return c
	}
	tests := []struct {
		name  string
		alg   string
		skew  time.Duration
		claim func(map[string]any)
		ok    bool
	}{
		{name: "valid", alg: "RS256", ok: true},
		{name: "iat within the default clock skew", alg: "ES256", claim: func(c map[string]any) { c["iat"] = now.Add(4 * time.Minute).Unix() }, ok: true},
		{name: "iat beyond the default clock skew", alg: "RS256", claim: func(c map[string]any) { c["iat"] = now.Add(6 * time.Minute).Unix() }},
		{name: "iat beyond the configured clock skew", alg: "RS256", skew: time.Minute, claim: func(c map[string]any) { c["iat"] = now.Add(2 * time.Minute).Unix() }},
		{name: "no iat", alg: "RS256", claim: func(c map[string]any) { delete(c, "iat") }},
		{name: "event not an object", alg: "RS256", claim: func(c map[string]any) { c["events"] = map[string]any{backChannelEvent: "yes"} }},
		{name: "event null", alg: "RS256", claim: func(c map[string]any) { c["events"] = map[string]any{backChannelEvent: nil} }},
		{name: "unknown key", alg: "RS256-stranger"},
		{name: "another audience", alg: "RS256", claim: func(c map[string]any) { c["aud"] = "other" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := oidcbroker.New(oidcbroker.Config{Broker: "test", Endpoint: ts.URL, ClientID: "client",
				RedirectURL: "http://app.test/cb", ClockSkew: tt.skew})
			if err != nil {
				t.Fatal(err)
			}
			lt, err := b.VerifyLogoutToken(context.Background(), ts.keys.sign(t, tt.alg, claims(tt.claim), ""))
			switch {
			case tt.ok && (err != nil || lt.Subject != "u1" || lt.SessionID != "s1"):
				t.Fatalf("VerifyLogoutToken = %+v, %v; want subject u1, session s1", lt, err)
			case !tt.ok && !errors.Is(err, domain.ErrInvalidLogoutToken):
				t.Fatalf("VerifyLogoutToken = %+v, %v; want ErrInvalidLogoutToken", lt, err)
			}
		})
	}
}

// Configured signing algorithms and clock skew replace the defaults.
func TestConfiguredAlgorithmsAndClockSkew(t *testing.T) {
	ts := startTokenServer(t)
	now := time.Now()
	tests := []struct {
		name string
		cfg  func(*oidcbroker.Config)
		alg  string
		iat  time.Time
		ok   bool
	}{
		{"ES256 only refuses RS256", func(c *oidcbroker.Config) { c.SigningAlgorithms = []string{"ES256"} }, "RS256", now, false},
		{"ES256 only accepts ES256", func(c *oidcbroker.Config) { c.SigningAlgorithms = []string{"ES256"} }, "ES256", now, true},
		{"one minute of skew", func(c *oidcbroker.Config) { c.ClockSkew = time.Minute }, "RS256", now.Add(2 * time.Minute), false},
		{"negative skew means the default", func(c *oidcbroker.Config) { c.ClockSkew = -time.Minute }, "RS256", now.Add(4 * time.Minute), true},
		{"the configured clock", func(c *oidcbroker.Config) { c.Now = func() time.Time { return now.Add(time.Hour) } }, "RS256", now.Add(30 * time.Minute), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := oidcbroker.Config{Broker: "test", Endpoint: ts.URL, ClientID: "client", RedirectURL: "http://app.test/cb"}
			tt.cfg(&cfg)
			b, err := oidcbroker.New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			ts.respond(ts.keys.sign(t, tt.alg, map[string]any{"iss": ts.URL, "sub": "u1", "aud": "client",
				"exp": now.Add(3 * time.Hour).Unix(), "iat": tt.iat.Unix(), "nonce": "n"}, ""), nil)
			_, err = b.Exchange(context.Background(), "code", "verifier", "n")
			if tt.ok != (err == nil) || (!tt.ok && !errors.Is(err, domain.ErrInvalidIDToken)) {
				t.Fatalf("Exchange: %v, want accepted %v", err, tt.ok)
			}
		})
	}
}

// Verify without a clock or a clock skew takes time.Now and
// DefaultClockSkew.
func TestVerifyDefaults(t *testing.T) {
	k := newKeys(t)
	v := oidc.NewVerifier("https://idp.example", &oidc.StaticKeySet{PublicKeys: []crypto.PublicKey{k.rsa.Public()}},
		&oidc.Config{ClientID: "client"})
	now := time.Now()
	for _, tc := range []struct {
		iat time.Time
		ok  bool
	}{{now.Add(4 * time.Minute), true}, {now.Add(6 * time.Minute), false}} {
		raw := k.sign(t, "RS256", map[string]any{"iss": "https://idp.example", "sub": "u1", "aud": "client",
			"exp": now.Add(time.Hour).Unix(), "iat": tc.iat.Unix()}, "")
		_, err := oidcbroker.Verify(context.Background(), oidcbroker.Verification{Verifier: v, ClientID: "client"}, raw, "")
		if tc.ok != (err == nil) {
			t.Errorf("iat %v after now: %v, want accepted %v", tc.iat.Sub(now).Round(time.Minute), err, tc.ok)
		}
	}
}
