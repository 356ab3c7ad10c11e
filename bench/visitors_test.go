package bench_test

import (
	"net/http"
	"testing"

	"github.com/sessionauth/sessionauth/internal/redistest"
)

// BenchmarkReturningVisitors counts the Redis commands (INFO
// commandstats, every client's) of 1 000 read-only requests of 100
// returning visitors, ten each in turn, on sessionauth's Redis backend
// without and with the client-side cache. Each iteration starts 100 new
// visitors on a fresh instance, so the cache starts cold.
func BenchmarkReturningVisitors(b *testing.B) {
	for _, v := range []variant{{"sessionauth-redis", true, sessionauthRedis}, {"sessionauth-redis-cached", true, sessionauthRedisCached}} {
		b.Run(v.name, func(b *testing.B) {
			srv := redistest.Standalone(b)
			env := &redisEnv{srv: srv, admin: srv.Client(b)}
			var cmds int64
			for b.Loop() {
				cmds += returningVisitors(b, v.build(b, env), env)
			}
			b.ReportMetric(float64(cmds)/float64(b.N), "cmds/1000req")
		})
	}
}

// returningVisitors makes 100 visitors and returns the commands their
// 1 000 read-only requests ran.
func returningVisitors(b *testing.B, s *served, env *redisEnv) int64 {
	cookies := make([]*http.Cookie, 100)
	for i := range cookies {
		cookies[i] = firstVisit(b, s.handler, s.cookie)
	}
	before := readCommands(b, env)
	w := newSink()
	for i := range 1000 {
		r, _ := http.NewRequest(http.MethodGet, "/read", nil)
		r.AddCookie(cookies[i%len(cookies)])
		w.status = 0
		s.handler.ServeHTTP(w, r)
		if w.status != http.StatusOK || string(w.body) != "10" {
			b.Fatalf("/read answered %d %q; want 200 and the ten values found", w.status, w.body)
		}
	}
	ran := readCommands(b, env).Since(before)
	delete(ran, "info")
	return ran.Calls()
}
