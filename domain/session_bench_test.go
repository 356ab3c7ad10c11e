package domain_test

import (
	"maps"
	"testing"
	"time"

	"github.com/sessionauth/sessionauth/domain"
)

// BenchmarkSessionRead measures what a request that only reads its
// session costs the domain, for ten small values of the common kinds:
// restoring the session from the repository's encodings, and asking
// Modified twice (the middleware asks before it saves and again when the
// handler is done).
func BenchmarkSessionRead(b *testing.B) {
	values := map[string]any{
		"user": "alice", "visits": 12, "cart": "sku-1,sku-2", "theme": "dark", "lang": "de",
		"admin": false, "score": 3.5, "ref": "newsletter", "step": 2, "csrf": "0123456789abcdef",
	}
	data := map[string][]byte{}
	for k, v := range values {
		enc, err := domain.EncodeValue(v)
		if err != nil {
			b.Fatal(err)
		}
		data[k] = enc
	}
	id, expires := domain.NewSessionID(), time.Now().Add(time.Hour)
	b.Run("restore", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			domain.RestoreSessionShared(id, len(data), maps.All(data), expires)
		}
	})
	s := domain.RestoreSessionShared(id, len(data), maps.All(data), expires)
	b.Run("modified", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			before, after := s.Modified(), s.Modified()
			if before || after {
				b.Fatal("an untouched session reports Modified()")
			}
		}
	})
}
