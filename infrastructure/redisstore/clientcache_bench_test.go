package redisstore_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/sessionauth/sessionauth/infrastructure/redisstore"
	"github.com/sessionauth/sessionauth/internal/redistest"
)

// BenchmarkClientCacheInvalidationDelay measures how long after a save
// of one instance returns another instance has dropped its cached copy:
// the invalidation delay. One save at a time, each waiting for its
// invalidation; run it with -benchtime 10000x for 10 000 writes. It
// reports the median, the 99th percentile and the maximum in µs
// (a drop before the save returned counts as 0), and the same from the
// start of the save.
func BenchmarkClientCacheInvalidationDelay(b *testing.B) {
	srv := redistest.Standalone(b)
	a := newCacheInstance(b, srv.Client(b), redisstore.Options{KeyPrefix: "d:", MaxAge: time.Hour})
	writer := redisstore.New(srv.Client(b), redisstore.Options{KeyPrefix: "d:", MaxAge: time.Hour})
	id := saveNew(b, writer, tenValues()).ID()
	settle(b, srv.Client(b), "d:", a) // the first save's report is in
	heard := make(chan time.Time, 16)
	f := func(key string, at time.Time) {
		if key == "d:"+id {
			heard <- at
		}
	}
	a.onHeard.Store(&f)
	s := mustLoad(b, writer, id)
	mustLoad(b, a.repo, id)
	var afterReturn, afterStart []time.Duration
	visits := 0
	for b.Loop() {
		visits++
		s.Store("visits", visits)
		start := time.Now()
		must(b, writer.Save(context.Background(), s))
		returned := time.Now()
		at := <-heard
		afterReturn = append(afterReturn, max(at.Sub(returned), 0))
		afterStart = append(afterStart, at.Sub(start))
	}
	report(b, afterReturn, "µs-after-return")
	report(b, afterStart, "µs-after-start")
}

func report(b *testing.B, d []time.Duration, unit string) {
	slices.Sort(d)
	us := func(x time.Duration) float64 { return float64(x.Nanoseconds()) / 1e3 }
	b.ReportMetric(us(d[len(d)/2]), "p50-"+unit)
	b.ReportMetric(us(d[len(d)*99/100]), "p99-"+unit)
	b.ReportMetric(us(d[len(d)-1]), "max-"+unit)
}
