package cookiesigner_test

import (
	"strings"
	"testing"
	"time"

	"github.com/gorilla/securecookie"

	"github.com/sessionauth/sessionauth/domain"
)

// TestSignAgreesWithSecureCookie: Sign writes what securecookie's Encode
// writes for the same cookie name, secret and second, and securecookie's
// Decode gives the ID back.
func TestSignAgreesWithSecureCookie(t *testing.T) {
	s := newSigner(t, "current secret", "previous secret")
	codec := securecookie.New([]byte("current secret"), nil).MaxAge(3600).MaxLength(1024).
		SetSerializer(securecookie.NopEncoder{})
	for _, id := range []string{domain.NewSessionID(), "x", "a|b|c", "\x00\xff", "ünïcode", strings.Repeat("z", 400)} {
		var ours, theirs string
		for range 3 { // until both were signed within one second
			before := time.Now().Unix()
			ours = sign(t, s, id)
			var err error
			if theirs, err = codec.Encode(cookieName, []byte(id)); err != nil {
				t.Fatal(err)
			}
			if time.Now().Unix() == before {
				break
			}
		}
		if ours != theirs {
			t.Errorf("Sign(%q) = %q; securecookie's Encode gives %q", id, ours, theirs)
		}
		var decoded []byte
		if err := codec.Decode(cookieName, ours, &decoded); err != nil || string(decoded) != id {
			t.Errorf("securecookie's Decode(Sign(%q)) = %q, %v", id, decoded, err)
		}
	}
	if v, err := s.Sign(strings.Repeat("z", 800)); err == nil || !strings.Contains(err.Error(), "too long") {
		t.Errorf("Sign(800-byte ID) = %q, %v; want the error securecookie gives for a value longer than 1024 bytes", v, err)
	}
}

// TestSignAllocatesOnlyTheValue: signing costs one allocation, the value
// it returns. make allocs runs it without the race detector.
func TestSignAllocatesOnlyTheValue(t *testing.T) {
	if raceDetector {
		t.Skip("allocation counts are checked without -race (make allocs)")
	}
	s := newSigner(t, "current secret", "previous secret")
	id := domain.NewSessionID()
	_, _ = s.Sign(id) // fills the pool
	if n := testing.AllocsPerRun(100, func() { _, _ = s.Sign(id) }); n > 1 {
		t.Fatalf("Sign allocates %v times; want 1", n)
	}
}
