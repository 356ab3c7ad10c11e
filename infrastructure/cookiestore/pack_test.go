package cookiestore

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"strings"
	"testing"
)

func TestPackRoundTrip(t *testing.T) {
	jwt := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"RS256","kid":"k1"}`)) + "." +
		base64.RawURLEncoding.EncodeToString([]byte(strings.Repeat(`{"realm_access":{"roles":["a","b"]}}`, 20))) + "."
	noise := make([]byte, 300)
	_, _ = rand.Read(noise)
	cases := map[string][]byte{
		"empty":              {},
		"jwt":                []byte(jwt),
		"marks":              {packMark, packMark, 0, 1, packMark},
		"stray bits":         []byte(strings.Repeat("A", 40) + "B"),
		"length 1 mod 4":     []byte(strings.Repeat("Q", 41)),
		"short runs":         []byte("abc.def-ghi_jkl"),
		"noise":              noise,
		"noise and tokens":   append(append([]byte(jwt), noise...), jwt...),
		"base64 of the mark": []byte(base64.RawURLEncoding.EncodeToString(bytes.Repeat([]byte{packMark}, 40))),
	}
	for name, text := range cases {
		got, err := unpack(pack(text), 1<<20)
		if err != nil || !bytes.Equal(got, text) {
			t.Errorf("%s: unpack(pack(x)) = %q, %v", name, got, err)
		}
	}
	if p := pack([]byte(jwt)); len(p) >= len(jwt)*4/5 {
		t.Errorf("a token packs to %d of %d bytes", len(p), len(jwt))
	}
}

func TestUnpackBoundsAndGarbage(t *testing.T) {
	big := append([]byte{packMark, 0x80, 0x40}, make([]byte, 8192)...)
	if _, err := unpack(big, 1000); err == nil {
		t.Error("unpack made more than its limit")
	}
	for _, p := range [][]byte{{packMark}, {packMark, 0x80}, {packMark, 5, 1}} {
		if _, err := unpack(p, 1000); err == nil {
			t.Errorf("unpack(%v) is no error", p)
		}
	}
}

func FuzzPack(f *testing.F) {
	f.Add([]byte("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlc2lnbmF0dXJl"))
	f.Fuzz(func(t *testing.T, text []byte) {
		got, err := unpack(pack(text), 4*len(text)+16)
		if err != nil || !bytes.Equal(got, text) {
			t.Fatalf("round trip of %q: %q, %v", text, got, err)
		}
		_, _ = unpack(text, 4096) // garbage: an error or text, never a panic
	})
}
