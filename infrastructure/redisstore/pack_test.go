package redisstore

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"strings"
	"testing"
)

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

func TestPack(t *testing.T) {
	random := make([]byte, 500)
	_, _ = rand.Read(random)
	tests := []struct {
		name       string
		value      []byte
		compressed bool
	}{
		{"short", []byte("s" + strings.Repeat("a", compressMin-1)), false},
		{"compressible", []byte("s" + strings.Repeat("token", 200)), true},
		{"random bytes", append([]byte("b"), random...), false},
		{"a JWT", []byte("s" + b64(random[:36]) + "." + b64(random[36:300]) + "." + b64(random[300:])), true},
		{"a sealed token", []byte("sa1.0a1b2c3d." + b64(random)), true},
		{"token text of every length", []byte("s" + b64(random[:49])), true},
		{"token text ending in a dot", []byte("s" + b64(random[:200]) + "."), true},
		{"too many dots for token text", []byte("s" + strings.Repeat(b64(random[:20])+".", 10)), true},
		{"gob", append([]byte("g"), bytes.Repeat([]byte{1, 2, 3, 4}, 100)...), true},
	}
	for _, tc := range tests {
		stored := pack(tc.value)
		if got := len(stored) > 0 && stored[0] == packedMark; got != tc.compressed {
			t.Errorf("%s: compressed %v, want %v", tc.name, got, tc.compressed)
		}
		if tc.compressed && len(stored) >= len(tc.value) {
			t.Errorf("%s: %d bytes stored for %d", tc.name, len(stored), len(tc.value))
		}
		if got := unpack(stored, 0); !bytes.Equal(got, tc.value) {
			t.Errorf("%s: unpack(pack(v)) = %q, want %q", tc.name, got, tc.value)
		}
	}
}

// TestUnpackOfBrokenValues: a value that claims to be compressed and is
// not as it claims stays as stored (so it is undecodable, as any broken
// value), and a claimed length never makes Load allocate it.
func TestUnpackOfBrokenValues(t *testing.T) {
	good := pack([]byte("s" + strings.Repeat("token", 200)))
	header := bytes.IndexByte(good, ':') + 1
	tests := map[string][]byte{
		"no length":        []byte("\x00:abc"),
		"no colon":         []byte("\x001000"),
		"length too long":  append([]byte("\x001002:"), good[header:]...),
		"length too short": append([]byte("\x00999:"), good[header:]...),
		"over the limit":   append([]byte("\x0099999:"), good[header:]...),
		"huge length":      append([]byte("\x009999999999999:"), good[header:]...),
		"not deflate":      []byte("\x0010:\xff\xff\xff\xff"),
		"cut short":        good[:len(good)-5],
	}
	for name, stored := range tests {
		if got := unpack(stored, 10000); !bytes.Equal(got, stored) {
			t.Errorf("%s: unpack = %q, want the stored bytes as they are", name, got)
		}
	}
	if got := unpack(good, 10000); len(got) != 1001 {
		t.Errorf("the good value unpacks to %d bytes, want 1001", len(got))
	}
}

func FuzzUnpack(f *testing.F) {
	f.Add(pack([]byte("s" + strings.Repeat("token", 200))))
	f.Add([]byte("\x0010:\xff"))
	f.Fuzz(func(t *testing.T, stored []byte) {
		got := unpack(stored, 1<<16)
		if len(got) > 1<<16 && !bytes.Equal(got, stored) {
			t.Fatalf("unpacked %d bytes, above the limit", len(got))
		}
	})
}

func FuzzPack(f *testing.F) {
	f.Add([]byte("s" + strings.Repeat("ab.cd", 30)))
	f.Add([]byte("g" + strings.Repeat("\x01\x02", 60)))
	f.Fuzz(func(t *testing.T, v []byte) {
		if len(v) > 0 && v[0] == packedMark {
			return // no encoded value starts so (domain.AppendValue's tags)
		}
		if got := unpack(pack(v), 0); !bytes.Equal(got, v) {
			t.Fatalf("unpack(pack(%q)) = %q", v, got)
		}
	})
}

func TestIsBigValuesKey(t *testing.T) {
	for _, tc := range []struct {
		prefix, key string
		want        bool
	}{
		{"", "{abc}", true}, {"", "abc", false}, {"app:", "app:{app:abc}", true}, {"app:", "app:abc", false},
		{"app:", "app:index:00ff", false}, {"{s}:", "{s}:abc:big", true}, {"{s}:", "{s}:abc", false},
		{"a}b:", "a}b:{a}b:abc}", false}, {"app:", "other:{app:abc}", false},
	} {
		if got := IsBigValuesKey(tc.prefix, tc.key); got != tc.want {
			t.Errorf("IsBigValuesKey(%q, %q) = %v, want %v", tc.prefix, tc.key, got, tc.want)
		}
	}
}
