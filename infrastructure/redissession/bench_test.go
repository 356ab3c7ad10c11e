package redissession_test

import (
	"context"
	"testing"

	"github.com/sessionauth/sessionauth/domain"
)

// BenchmarkRepository measures one Load and one Save of a session of ten
// small values against a local redis-server, with the round trips per
// operation counted by a client hook.
func BenchmarkRepository(b *testing.B) {
	repo, counter := countingRepository(b)
	ctx := context.Background()
	s := domain.NewSession()
	for k, v := range tenValues() {
		s.Store(k, v)
	}
	must(b, repo.Save(ctx, s))
	id := s.ID()
	b.Run("Load", func(b *testing.B) {
		b.ReportAllocs()
		before := counter.Total()
		for i := 0; i < b.N; i++ {
			mustLoad(b, repo, id)
		}
		b.ReportMetric(float64(counter.Total()-before)/float64(b.N), "roundtrips/op")
	})
	b.Run("LoadChangeSave", func(b *testing.B) {
		b.ReportAllocs()
		before := counter.Total()
		for i := 0; i < b.N; i++ {
			loaded := mustLoad(b, repo, id)
			loaded.Store("visits", i)
			must(b, repo.Save(ctx, loaded))
		}
		b.ReportMetric(float64(counter.Total()-before)/float64(b.N), "roundtrips/op")
	})
}
