package backends_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"strings"
	"testing"

	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/internal/backends"
)

// TestCookie builds the cookie backend from the configuration: the
// session secret and the previous ones give its keys (a cookie sealed
// under the previous secret opens after the rotation), its cap and its
// cookie name come from their keys, and a secret too short to derive a
// key from stops start-up naming the key, not the secret.
func TestCookie(t *testing.T) {
	build := func(cfg map[string]any) domain.SessionCookies {
		t.Helper()
		cfg["flamingo.session.backend"] = "cookie"
		repo, err := backends.Cookie(nil)(session(t, cfg))
		if err != nil {
			t.Fatal(err)
		}
		return repo.(domain.SessionCookies)
	}
	old := build(map[string]any{"flamingo.session.secret": "the old secret of thirty-two bytes", "flamingo.session.name": "shop"})
	s := domain.NewSession().Store("user", "alice")
	cookies, err := old.SaveCookies(context.Background(), s, nil)
	if err != nil || len(cookies) != 1 || cookies[0].Name != "shop" {
		t.Fatalf("cookies %v, err %v; want one named shop", cookies, err)
	}
	rotated := build(map[string]any{"flamingo.session.secret": "the new secret of thirty-two bytes", "flamingo.session.name": "shop",
		"flamingo.session.previousSecrets": []any{"the old secret of thirty-two bytes"}})
	if got, err := rotated.LoadCookies(context.Background(), cookies); err != nil || got.Try("user") != "alice" {
		t.Fatalf("after the rotation: %v", err)
	}
	fresh := build(map[string]any{"flamingo.session.secret": "the new secret of thirty-two bytes", "flamingo.session.name": "shop"})
	if _, err := fresh.LoadCookies(context.Background(), cookies); !errors.Is(err, domain.ErrSessionNotFound) {
		t.Fatalf("without the old secret: %v", err)
	}
	small := build(map[string]any{"flamingo.session.secret": "a secret of thirty-two bytes....", "flamingo.session.cookie.maxBytes": 1024})
	if _, err := small.SaveCookies(context.Background(), domain.NewSession().Store("big", strings.Repeat("x", 3000)), nil); err != nil {
		t.Fatalf("3000 bytes that compress: %v", err)
	}
	s = domain.NewSession().Store("big", randomText(1500))
	if _, err := small.SaveCookies(context.Background(), s, nil); !errors.Is(err, domain.ErrSessionTooLarge) {
		t.Fatalf("1500 random bytes under a cap of 1024: %v", err)
	}
	_, err = backends.Cookie(nil)(session(t, map[string]any{"flamingo.session.backend": "cookie", "flamingo.session.secret": "short one"}))
	if err == nil || !strings.Contains(err.Error(), "flamingo.session.secret") || strings.Contains(err.Error(), "short one") {
		t.Fatalf("a 9-byte secret: %v", err)
	}
}

func randomText(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)[:n]
}
