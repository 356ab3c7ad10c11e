package bench_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/sessionauth/sessionauth/internal/redistest"
)

// served is one variant, built: its handler, the cookie that names a
// session, and its Redis round trips so far (nil without Redis).
type served struct {
	handler http.Handler
	cookie  string
	trips   func() int64
}

type variant struct {
	name  string
	redis bool
	build func(b *testing.B, e *redisEnv) *served
}

// variants are the rows of the comparison; make bench-compare lists the
// same names.
var variants = []variant{
	{"floor-memory", false, floorMemory},
	{"sessionauth-memory", false, sessionauthMemory},
	{"scs-memory", false, scsMemory},
	{"floor-redis", true, floorRedis},
	{"sessionauth-redis", true, sessionauthRedis},
	{"scs-redis", true, scsRedis},
	{"gorilla-redistore", true, gorillaRedis},
	{"sessionauth-cookie", false, sessionauthCookie},
	{"gorilla-cookie-signed", false, gorillaCookie(false, nil)},
	{"gorilla-cookie-encrypted", false, gorillaCookie(true, nil)},
	{"sessionauth-cookie-login", false, sessionauthCookieWith(loginTokens())},
	{"gorilla-cookie-encrypted-login", false, gorillaCookie(true, loginTokens())},
	{"flamingo-always", true, flamingoOwn("Always")},
	{"flamingo-onwrite", true, flamingoOwn("OnWrite")},
	{"flamingo-sessionauth", true, flamingoSessionauth},
	{"flamingo-floor", true, flamingoFloor},
}

// BenchmarkRequest serves one request of a returning visitor whose
// session holds ten small values: "read" reads them all, "write" reads
// them all and changes one. Besides time and allocations it reports the
// Redis round trips per request (roundtrips/op), the commands the server
// ran (cmds/op, those of a script included) and their time on the server
// (server-µs/op).
func BenchmarkRequest(b *testing.B) {
	for _, v := range variants {
		b.Run(v.name, func(b *testing.B) {
			var env *redisEnv
			if v.redis {
				srv := redistest.Standalone(b)
				env = &redisEnv{srv: srv, admin: srv.Client(b)}
			}
			s := v.build(b, env)
			cookie := firstVisit(b, s.handler, s.cookie)
			for _, page := range []string{"read", "write"} {
				b.Run(page, func(b *testing.B) { benchPage(b, s, env, page, cookie) })
			}
		})
	}
}

func benchPage(b *testing.B, s *served, env *redisEnv, page string, cookie *http.Cookie) {
	r, _ := http.NewRequest(http.MethodGet, "/"+page, nil)
	r.AddCookie(cookie)
	w := newSink()
	var before redistest.Commands
	var trips int64
	if env != nil {
		before, trips = readCommands(b, env), s.trips()
	}
	b.ReportAllocs()
	for b.Loop() {
		clear(w.header)
		w.status = 0
		req := *r // a request of its own, as a server makes: gorilla keeps its registry in it
		s.handler.ServeHTTP(w, &req)
	}
	if w.status != http.StatusOK || string(w.body) != "10" {
		b.Fatalf("/%s answered %d %q; want 200 and the ten values found", page, w.status, w.body)
	}
	if env != nil {
		ran := readCommands(b, env).Since(before)
		delete(ran, "info")
		n := float64(b.N)
		b.ReportMetric(float64(s.trips()-trips)/n, "roundtrips/op")
		b.ReportMetric(float64(ran.Calls())/n, "cmds/op")
		b.ReportMetric(float64(topLevelUsec(ran))/n, "server-µs/op")
	}
}

func readCommands(b *testing.B, env *redisEnv) redistest.Commands {
	c, err := redistest.ReadCommands(context.Background(), env.admin)
	if err != nil {
		b.Fatal(err)
	}
	return c
}

// scripted are the commands sessionauth's scripts run: inside a script
// they count as commands of their own, and their time is part of the
// script's.
var scripted = []string{"hmget", "hset", "hdel", "pexpire", "del", "rename", "type"}

// topLevelUsec is the server time of the commands clients sent: with a
// script among them, the commands it ran are left out, since the script's
// time holds theirs (sessionauth sends DEL outside scripts too, but not
// in the same request as a script that writes; HGETALL, which loads, it
// sends only outside).
func topLevelUsec(ran redistest.Commands) int64 {
	var usec int64
	for _, c := range ran {
		usec += c.Usec
	}
	if ran["evalsha"].Calls == 0 && ran["eval"].Calls == 0 {
		return usec
	}
	for _, name := range scripted {
		usec -= ran[name].Usec
	}
	return usec
}
