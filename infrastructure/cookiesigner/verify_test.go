package cookiesigner_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/securecookie"
)

// secureCookieVerify is what Verify did with securecookie's own Decode,
// one codec per secret: the reference the pooled verification must agree
// with.
func secureCookieVerify(name, value string, secrets []string, maxAge time.Duration) (string, bool) {
	if len(value) > 1024 || base64.URLEncoding.EncodeToString(mustDecode(value)) != value {
		return "", false
	}
	for _, secret := range secrets {
		codec := securecookie.New([]byte(secret), nil).MaxAge(int(maxAge / time.Second)).MaxLength(1024).
			SetSerializer(securecookie.NopEncoder{})
		var id []byte
		err := codec.Decode(name, value, &id)
		if err == nil {
			return string(id), len(id) > 0
		}
		if err != securecookie.ErrMacInvalid {
			return "", false
		}
	}
	return "", false
}

func mustDecode(v string) []byte {
	b, err := base64.URLEncoding.DecodeString(v)
	if err != nil {
		return nil
	}
	return b
}

// craftRaw signs "date|encoded" as securecookie lays it out, with any
// date and any encoded ID, so that the seeds reach every check.
func craftRaw(secret, name, date, encoded string) string {
	payload := date + "|" + encoded
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(name + "|" + payload))
	return base64.URLEncoding.EncodeToString(append([]byte(payload+"|"), mac.Sum(nil)...))
}

// FuzzVerifyAgreesWithSecureCookie: for any value, Verify accepts exactly
// what securecookie's Decode accepts, with the same ID.
func FuzzVerifyAgreesWithSecureCookie(f *testing.F) {
	secrets := []string{"current secret", "previous secret"}
	s := newSigner(f, secrets...)
	now := time.Now().Unix()
	id := base64.URLEncoding.EncodeToString([]byte("qD3xN0b2vFJcXJmHq4r1Jd6mS0xZ7b9w2yTgKkV8hWc"))
	for _, secret := range secrets {
		for _, date := range []string{"", "+", "-1", "+" + itoa(now), "00" + itoa(now), itoa(now - 7200), itoa(now + 3600),
			"9223372036854775807", "9223372036854775808", "-9223372036854775808", "99999999999999999999", "12a"} {
			f.Add(craftRaw(secret, cookieName, date, id))
		}
		f.Add(craftRaw(secret, cookieName, itoa(now), ""))
		f.Add(craftRaw(secret, cookieName, itoa(now), "!!"))
		f.Add(craftRaw(secret, cookieName, itoa(now), id+"|more"))
		f.Add(craftRaw(secret, "other", itoa(now), id))
	}
	f.Add(sign(f, s, "x"))
	f.Add(strings.Repeat("A", 1028))
	f.Fuzz(func(t *testing.T, value string) {
		want, ok := secureCookieVerify(cookieName, value, secrets, time.Hour)
		got, err := s.Verify(value)
		if (err == nil) != ok || got != want {
			t.Fatalf("Verify(%q) = %q, %v; securecookie's Decode gives %q, accepted %v", value, got, err, want, ok)
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestVerifyAllocatesOnlyTheID: verifying a cookie costs one allocation,
// the ID it returns. make allocs runs it without the race detector.
func TestVerifyAllocatesOnlyTheID(t *testing.T) {
	if raceDetector {
		t.Skip("allocation counts are checked without -race (make allocs)")
	}
	s := newSigner(t, "current secret", "previous secret")
	value := sign(t, newSigner(t, "previous secret"), "qD3xN0b2vFJcXJmHq4r1Jd6mS0xZ7b9w2yTgKkV8hWc")
	_, _ = s.Verify(value) // fills the pool
	if n := testing.AllocsPerRun(100, func() { _, _ = s.Verify(value) }); n > 1 {
		t.Fatalf("Verify allocates %v times; want 1", n)
	}
}
