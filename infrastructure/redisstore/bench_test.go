package redisstore_test

import (
	"context"
	"testing"
)

// BenchmarkRepository measures the repository on a session of ten small
// values against a local redis-server, with the round trips per operation
// counted by a client hook: Load, Save of one changed value, and the two
// together as a request that changes its session does them.
func BenchmarkRepository(b *testing.B) {
	repo, counter, _ := countingRepository(b)
	ctx := context.Background()
	id := saveNew(b, repo, tenValues()).ID()
	visits := 0 // a new value for every save
	run := func(name string, op func(b *testing.B)) {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			before := counter.Total()
			for i := 0; i < b.N; i++ {
				op(b)
			}
			b.ReportMetric(float64(counter.Total()-before)/float64(b.N), "roundtrips/op")
		})
	}
	run("Load", func(b *testing.B) { mustLoad(b, repo, id) })
	saved := mustLoad(b, repo, id)
	run("Save", func(b *testing.B) {
		visits++
		saved.Store("visits", visits)
		must(b, repo.Save(ctx, saved))
	})
	run("LoadChangeSave", func(b *testing.B) {
		loaded := mustLoad(b, repo, id)
		visits++
		loaded.Store("visits", visits)
		must(b, repo.Save(ctx, loaded))
	})
}
