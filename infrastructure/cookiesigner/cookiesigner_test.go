package cookiesigner_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/infrastructure/cookiesigner"
)

const cookieName = "flamingo"

func newSigner(t testing.TB, secrets ...string) *cookiesigner.Signer {
	t.Helper()
	return newNamedSigner(t, cookieName, secrets...)
}

func newNamedSigner(t testing.TB, name string, secrets ...string) *cookiesigner.Signer {
	t.Helper()
	s, err := cookiesigner.New(name, secrets, time.Hour)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return s
}

func sign(t testing.TB, s *cookiesigner.Signer, id string) string {
	t.Helper()
	v, err := s.Sign(id)
	if err != nil {
		t.Fatalf("Sign(%q): %v", id, err)
	}
	return v
}

// craft builds a value the way the signer lays it out, with a chosen
// timestamp, so that expiry can be tested without waiting.
func craft(secret, name, id string, signedAt time.Time) string {
	payload := fmt.Sprintf("%d|%s", signedAt.Unix(), base64.URLEncoding.EncodeToString([]byte(id)))
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(name + "|" + payload))
	return base64.URLEncoding.EncodeToString(append([]byte(payload+"|"), mac.Sum(nil)...))
}

func TestNewSecureCookieSignerRejectsBadConfig(t *testing.T) {
	tests := []struct {
		name    string
		cookie  string
		secrets []string
		maxAge  time.Duration
		want    string
	}{
		{"no secrets", cookieName, nil, time.Hour, "flamingo.session.secret"},
		{"empty secret", cookieName, []string{""}, time.Hour, "flamingo.session.secret"},
		{"empty previous secret", cookieName, []string{"new", ""}, time.Hour, "secret 2 of 2"},
		{"empty cookie name", "", []string{"s"}, time.Hour, "flamingo.session.name"},
		{"max age below a second", cookieName, []string{"s"}, time.Millisecond, "flamingo.session.max.age"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := cookiesigner.New(tt.cookie, tt.secrets, tt.maxAge)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("New = %v, %v; want an error naming %q", s, err, tt.want)
			}
		})
	}
}

func TestSecureCookieSignerRoundTrip(t *testing.T) {
	s := newSigner(t, "secret")
	for _, id := range []string{domain.NewSessionID(), "x", "custom:id/with=odd|chars", "ünïcode", strings.Repeat("a", 500)} {
		v := sign(t, s, id)
		if got, err := s.Verify(v); err != nil || got != id {
			t.Errorf("Verify(Sign(%q)) = %q, %v", id, got, err)
		}
	}
	if v, err := s.Sign(""); err == nil {
		t.Errorf("Sign(\"\") = %q, nil; want an error", v)
	}
	if v, err := s.Sign(strings.Repeat("a", 2000)); err == nil {
		t.Errorf("Sign(2000-byte ID) = %q, nil; want an error (no cookie holds it)", v)
	}
}

func TestSecureCookieSignerKeyRotation(t *testing.T) {
	old := newSigner(t, "old secret")
	rotated := newSigner(t, "new secret", "old secret")
	id := domain.NewSessionID()

	if got, err := rotated.Verify(sign(t, old, id)); err != nil || got != id {
		t.Fatalf("a cookie signed with the old secret: Verify = %q, %v; want it valid after the rotation", got, err)
	}
	fresh := sign(t, rotated, id)
	if _, err := old.Verify(fresh); !errors.Is(err, domain.ErrInvalidCookie) {
		t.Fatalf("old-only signer verified a value signed after the rotation (%v); the first secret must sign", err)
	}
	if got, err := newSigner(t, "new secret").Verify(fresh); err != nil || got != id {
		t.Fatalf("new-only signer: Verify = %q, %v; want the new secret to have signed", got, err)
	}
}

func TestSecureCookieSignerRejectsInvalidValues(t *testing.T) {
	s := newSigner(t, "secret", "previous")
	id := domain.NewSessionID()
	good := sign(t, s, id)
	if !strings.HasSuffix(good, "=") || strings.HasSuffix(good, "==") {
		t.Fatalf("test needs a signed value with one padding character, got %q", good)
	}
	tests := map[string]string{
		"empty":                      "",
		"garbage":                    "not a cookie",
		"base64 of garbage":          base64.URLEncoding.EncodeToString([]byte("1|2|3")),
		"forged with another secret": sign(t, newSigner(t, "attacker"), id),
		"signed for another cookie":  sign(t, newNamedSigner(t, "other", "secret"), id),
		"tampered":                   flipLowBit(good, len(good)/2),
		"truncated":                  good[:len(good)-4],
		"line break inserted":        good[:40] + "\r\n" + good[40:],
		"two line breaks inserted":   good[:40] + "\r\n\r\n" + good[40:],
		"non-canonical padding bits": flipLowBit(good, len(good)-2),
		"expired":                    craft("secret", cookieName, id, time.Now().Add(-2*time.Hour)),
		"expired, previous secret":   craft("previous", cookieName, id, time.Now().Add(-2*time.Hour)),
		"empty ID":                   craft("secret", cookieName, "", time.Now()),
		"too long":                   craft("secret", cookieName, strings.Repeat("a", 1000), time.Now()),
	}
	for name, value := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := s.Verify(value)
			if !errors.Is(err, domain.ErrInvalidCookie) {
				t.Fatalf("Verify(%q) = %q, %v; want an error wrapping domain.ErrInvalidCookie", value, got, err)
			}
		})
	}
}

func TestSecureCookieSignerAcceptsValuesWithinMaxAge(t *testing.T) {
	s := newSigner(t, "secret", "previous")
	id := domain.NewSessionID()
	for _, secret := range []string{"secret", "previous"} {
		v := craft(secret, cookieName, id, time.Now().Add(-50*time.Minute))
		if got, err := s.Verify(v); err != nil || got != id {
			t.Errorf("value signed 50 minutes ago with %q (max age 1h): Verify = %q, %v; want valid", secret, got, err)
		}
	}
}

const base64URLAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

// flipLowBit flips the lowest of the six bits that the base64 character at
// i stands for; the value stays valid base64.
func flipLowBit(v string, i int) string {
	n := strings.IndexByte(base64URLAlphabet, v[i])
	return v[:i] + string(base64URLAlphabet[n^1]) + v[i+1:]
}

func BenchmarkSecureCookieSigner(b *testing.B) {
	s := newSigner(b, "new secret", "old secret")
	id := domain.NewSessionID()
	fresh, rotated := sign(b, s, id), sign(b, newSigner(b, "old secret"), id)
	b.Run("Sign", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_, _ = s.Sign(id)
		}
	})
	for name, v := range map[string]string{"Verify": fresh, "VerifyPreviousSecret": rotated, "VerifyForged": flipLowBit(fresh, 20)} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_, _ = s.Verify(v)
			}
		})
	}
}
