package cookiesigner_test

import (
	"encoding/base64"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sessionauth/sessionauth/domain"
)

// fuzzIDs are the IDs whose signatures seed FuzzSecureCookieVerify. They
// are constants, because each fuzzing worker runs the setup again.
var fuzzIDs = []string{"qD3xN0b2vFJcXJmHq4r1Jd6mS0xZ7b9w2yTgKkV8hWc", "x", "custom-id:42"}

// FuzzSecureCookieVerify feeds arbitrary cookie values to Verify. None may
// panic, every rejection must wrap domain.ErrInvalidCookie, and a value that
// verifies must be exactly what Sign returns for one of the seeded IDs with
// one of the secrets, at the time it carries. The seeds are such values, so
// the fuzzer mutates real signatures.
func FuzzSecureCookieVerify(f *testing.F) {
	secrets := []string{"current secret", "previous secret"}
	s := newSigner(f, secrets...)
	for _, id := range fuzzIDs {
		f.Add(sign(f, s, id))
		f.Add(sign(f, newSigner(f, secrets[1]), id))
	}
	for _, v := range []string{"", "=", "====", "not a cookie", "MTIzfA==", strings.Repeat("A", 2000)} {
		f.Add(v)
	}
	f.Fuzz(func(t *testing.T, value string) {
		id, err := s.Verify(value)
		switch {
		case err != nil && !errors.Is(err, domain.ErrInvalidCookie):
			t.Fatalf("Verify(%q) = %v; want an error wrapping domain.ErrInvalidCookie", value, err)
		case err == nil && !slices.Contains(fuzzIDs, id):
			t.Fatalf("Verify(%q) = %q, an ID nobody signed", value, id)
		case err == nil && !signedBy(value, id, secrets):
			t.Fatalf("Verify(%q) = %q, but the value is not what Sign returns", value, id)
		}
	})
}

// signedBy reports whether value is, byte for byte, the signature of id
// with one of secrets at the time value carries.
func signedBy(value, id string, secrets []string) bool {
	b, err := base64.URLEncoding.DecodeString(value)
	if err != nil {
		return false
	}
	ts, _, _ := strings.Cut(string(b), "|")
	unix, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return false
	}
	for _, secret := range secrets {
		if craft(secret, cookieName, id, time.Unix(unix, 0)) == value {
			return true
		}
	}
	return false
}

// FuzzSecureCookieSignRoundTrip signs arbitrary IDs: Sign either refuses
// (empty or too long for a cookie) or returns a value that verifies to the
// same ID.
func FuzzSecureCookieSignRoundTrip(f *testing.F) {
	s := newSigner(f, "current secret", "previous secret")
	for _, id := range []string{domain.NewSessionID(), "", "x", "a|b|c", "\x00\xff", strings.Repeat("z", 800)} {
		f.Add(id)
	}
	f.Fuzz(func(t *testing.T, id string) {
		v, err := s.Sign(id)
		if err != nil {
			if id != "" && len(id) < 500 {
				t.Fatalf("Sign(%q) = %v; want a value for an ID this short", id, err)
			}
			return
		}
		if got, err := s.Verify(v); err != nil || got != id {
			t.Fatalf("Verify(Sign(%q)) = %q, %v", id, got, err)
		}
	})
}
