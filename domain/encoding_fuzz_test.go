package domain_test

import (
	"testing"
	"time"

	"github.com/sessionauth/sessionauth/domain"
)

// FuzzDecodeValue feeds arbitrary stored bytes to the decoder: it must
// return a value or an error, never panic, and whatever it decodes must
// encode again.
func FuzzDecodeValue(f *testing.F) {
	for _, v := range []any{"s", 1, int64(2), 1.5, true, []byte{1}, nil, []any{"x"}, map[string]any{"a": 1}} {
		b, _ := domain.EncodeValue(v)
		f.Add(b)
	}
	f.Add([]byte("g\x00\x01"))
	f.Fuzz(func(t *testing.T, b []byte) {
		v, err := domain.DecodeValue(b)
		if err != nil {
			return
		}
		if _, err := domain.EncodeValue(v); err != nil {
			t.Fatalf("decoded %#v but cannot encode it again: %v", v, err)
		}
	})
}

// FuzzRestoreSession feeds arbitrary stored records to RestoreSession and
// saves the result: nothing panics and undecodable values are kept.
func FuzzRestoreSession(f *testing.F) {
	f.Add("k", []byte("s v"), "k2", []byte("g\x01"))
	f.Fuzz(func(t *testing.T, k1 string, v1 []byte, k2 string, v2 []byte) {
		s := domain.RestoreSession(domain.NewSessionID(), map[string][]byte{k1: v1, k2: v2}, time.Now())
		c, err := s.Changes(0)
		if err != nil {
			return
		}
		if len(c.All) != len(map[string]bool{k1: true, k2: true}) {
			t.Fatalf("All has %d entries, want every stored key kept", len(c.All))
		}
	})
}
