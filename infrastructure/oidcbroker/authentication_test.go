package oidcbroker_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/sessionauth/sessionauth/domain"
)

// TestExchangeRecordsAuthentication: auth_time and acr of the ID token
// become the identity's, for the checks of max_age and acr_values; a
// claim of the wrong type fails verification.
func TestExchangeRecordsAuthentication(t *testing.T) {
	ts := startTokenServer(t)
	b := tokenServerBroker(t, ts)
	now := time.Now()
	at := now.Add(-time.Minute).Truncate(time.Second)
	tests := []struct {
		name     string
		claims   map[string]any
		authTime time.Time
		acr      string
		err      error
	}{
		{"both", map[string]any{"auth_time": at.Unix(), "acr": "gold"}, at, "gold", nil},
		{"neither", map[string]any{}, time.Time{}, "", nil},
		{"auth_time a string", map[string]any{"auth_time": "yesterday"}, time.Time{}, "", domain.ErrInvalidIDToken},
		{"acr a number", map[string]any{"acr": 2}, time.Time{}, "", domain.ErrInvalidIDToken},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := map[string]any{"iss": ts.URL, "sub": "u1", "aud": "client", "exp": now.Add(time.Hour).Unix(), "iat": now.Unix(), "nonce": "n"}
			for k, v := range tc.claims {
				c[k] = v
			}
			ts.respond(ts.keys.sign(t, "RS256", c, ""), nil)
			id, err := b.Exchange(context.Background(), "code", "verifier", "n")
			if !errors.Is(err, tc.err) {
				t.Fatalf("err = %v; want %v", err, tc.err)
			}
			if err == nil && (!id.AuthTime.Equal(tc.authTime) || id.ACR != tc.acr) {
				t.Fatalf("identity has auth time %v and acr %q; want %v and %q", id.AuthTime, id.ACR, tc.authTime, tc.acr)
			}
		})
	}
}

// TestRefreshKeepsAuthentication: a refreshed ID token is no new
// authentication; the identity keeps the login's auth_time and acr.
func TestRefreshKeepsAuthentication(t *testing.T) {
	ts := startTokenServer(t)
	b := tokenServerBroker(t, ts)
	now := time.Now()
	login := now.Add(-time.Hour).Truncate(time.Second)
	ts.respond(ts.keys.sign(t, "RS256", map[string]any{"iss": ts.URL, "sub": "u1", "aud": "client",
		"exp": now.Add(time.Hour).Unix(), "iat": now.Unix(), "auth_time": now.Unix(), "acr": "gold"}, ""), nil)
	id, err := b.Refresh(context.Background(), &domain.Identity{Broker: "test", Subject: "u1", RefreshToken: "old", AuthTime: login, ACR: "silver"})
	if err != nil || !id.AuthTime.Equal(login) || id.ACR != "silver" {
		t.Fatalf("refreshed identity: auth time %v, acr %q, %v; want the login's %v and silver", id.AuthTime, id.ACR, err, login)
	}
}
