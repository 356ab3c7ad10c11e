package cookiesigner_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/infrastructure/cookiesigner"
)

// craftDate builds a value signed with secret whose date field is date as
// written, so that every spelling of a timestamp can be tried.
func craftDate(secret, id, date string) string {
	payload := date + "|" + base64.URLEncoding.EncodeToString([]byte(id))
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(cookieName + "|" + payload))
	return base64.URLEncoding.EncodeToString(append([]byte(payload+"|"), mac.Sum(nil)...))
}

// verifyWithin verifies value with a signer of maxAge within one second of
// the clock, so that a value signed a whole number of seconds ago is judged
// against the second it was made for. It returns Verify's error text.
func verifyWithin(t *testing.T, maxAge time.Duration, value func(now int64) string) string {
	t.Helper()
	s, err := cookiesigner.New(cookieName, []string{"secret"}, maxAge)
	if err != nil {
		t.Fatal(err)
	}
	for {
		now := time.Now().Unix()
		_, err := s.Verify(value(now))
		if time.Now().Unix() == now {
			if err == nil {
				return ""
			}
			return err.Error()
		}
	}
}

// The date is parsed as strconv.ParseInt does, as securecookie parses it.
func TestVerifyTimestamps(t *testing.T) {
	now := strconv.FormatInt(time.Now().Unix(), 10)
	tests := []struct{ date, want string }{
		{now, ""},
		{"+" + now, ""},
		{"9223372036854775807", ""}, // far in the future: securecookie accepts it too
		{"0" + now, ""},
		{"-1", "expired timestamp"},
		{"-" + now, "expired timestamp"},
		{"0", "expired timestamp"},
		{"-9223372036854775808", "expired timestamp"},
		{"", "invalid timestamp"},
		{"+", "invalid timestamp"},
		{"-", "invalid timestamp"},
		{"+-1", "invalid timestamp"},
		{now + "/", "invalid timestamp"},
		{now + ":", "invalid timestamp"},
		{" " + now, "invalid timestamp"},
		{"9223372036854775808", "invalid timestamp"},
		{"-9223372036854775809", "invalid timestamp"},
		{"18446744073709551616", "invalid timestamp"},
		{"99999999999999999999", "invalid timestamp"},
		{"1844674407370955161", ""},
	}
	s := newSigner(t, "secret")
	for _, tc := range tests {
		id := domain.NewSessionID()
		got, err := s.Verify(craftDate("secret", id, tc.date))
		switch {
		case tc.want == "" && (err != nil || got != id):
			t.Errorf("date %q: Verify = %q, %v; want the ID", tc.date, got, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("date %q: Verify = %q, %v; want %q", tc.date, got, err, tc.want)
		}
	}
}

// The maximum age counts whole seconds, rounded up, as securecookie's does.
func TestMaxAgeInWholeSeconds(t *testing.T) {
	ago := func(n int64) func(int64) string {
		return func(now int64) string { return craftDate("secret", "id", strconv.FormatInt(now-n, 10)) }
	}
	tests := []struct {
		maxAge  time.Duration
		ago     int64
		expired bool
	}{
		{10 * time.Second, 9, false},
		{10 * time.Second, 10, false},
		{10 * time.Second, 11, true},
		{9500 * time.Millisecond, 10, false},
		{9500 * time.Millisecond, 11, true},
	}
	for _, tc := range tests {
		got := verifyWithin(t, tc.maxAge, ago(tc.ago))
		if tc.expired != strings.Contains(got, "expired timestamp") || (!tc.expired && got != "") {
			t.Errorf("max age %v, signed %ds ago: Verify error %q, want expired %v", tc.maxAge, tc.ago, got, tc.expired)
		}
	}
}

// Every character of the URL-safe alphabet, in every position and with
// either padding, verifies; the longest value Verify reads does too.
func TestVerifyReadsTheWholeAlphabet(t *testing.T) {
	s := newSigner(t, "secret")
	seen := map[byte]bool{}
	for i := 0; len(seen) < len(base64URLAlphabet) || i < 64; i++ {
		id := strings.Repeat("x", i%3) + domain.NewSessionID()
		v := sign(t, s, id)
		if got, err := s.Verify(v); err != nil || got != id {
			t.Fatalf("Verify(%q) = %q, %v; want %q", v, got, err, id)
		}
		for j := 0; j < len(v); j++ {
			seen[v[j]] = true
		}
		if i > 10000 {
			t.Fatalf("signed values used only %d characters", len(seen))
		}
	}
	long := craftDate("secret", strings.Repeat("i", 543), strconv.FormatInt(time.Now().Unix(), 10))
	if len(long) != 1024 {
		t.Fatalf("test needs a value of 1024 characters, has %d", len(long))
	}
	if _, err := s.Verify(long); err != nil {
		t.Errorf("value of 1024 characters: %v, want valid", err)
	}
	longest := strings.Repeat("i", 543)
	if v, err := s.Sign(longest); err != nil || len(v) != 1024 {
		t.Errorf("Sign of a %d-byte ID: %d characters, %v; want a value of 1024", len(longest), len(v), err)
	}
	if v, err := s.Sign(longest + "iii"); err == nil {
		t.Errorf("Sign of a %d-byte ID: %d characters, want an error", len(longest)+3, len(v))
	}
}
