package redisstore_test

import (
	"context"
	"testing"

	"github.com/sessionauth/sessionauth/internal/redistest"
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

// BenchmarkLoggedIn measures the repository on a logged-in session, the
// ten small values and 3 000 bytes of tokens, against a local
// redis-server: Load, Save of one changed small value, and Save of new
// tokens (a refresh). Beside the client's time it reports the server's
// (server-µs/op: the microseconds of the top-level commands, the script's
// own calls included, from INFO commandstats).
func BenchmarkLoggedIn(b *testing.B) {
	repo, _, client := countingRepository(b)
	ctx := context.Background()
	id := saveNew(b, repo, loggedIn()).ID()
	saved := mustLoad(b, repo, id)
	visits := 0
	run := func(name string, op func(b *testing.B)) {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			before, err := redistest.ReadCommands(ctx, client)
			must(b, err)
			for b.Loop() {
				op(b)
			}
			after, err := redistest.ReadCommands(ctx, client)
			must(b, err)
			ran := after.Since(before)
			usec := ran["evalsha"].Usec + ran["hgetall"].Usec
			b.ReportMetric(float64(usec)/float64(b.N), "server-µs/op")
		})
	}
	run("Load", func(b *testing.B) { mustLoad(b, repo, id) })
	run("Save", func(b *testing.B) {
		visits++
		saved.Store("visits", visits)
		must(b, repo.Save(ctx, saved))
	})
	tokens := []map[string]any{loggedIn(), loggedIn()}
	run("SaveTokens", func(b *testing.B) {
		visits++
		for _, k := range []string{"access", "id", "refresh"} {
			saved.Store(k, tokens[visits%2][k])
		}
		must(b, repo.Save(ctx, saved))
	})
}
