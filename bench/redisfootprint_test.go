package bench_test

import (
	"context"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alexedwards/scs/redisstore"
	"github.com/boj/redistore"
	"github.com/gomodule/redigo/redis"
	"github.com/gorilla/sessions"
	rbredisstore "github.com/rbcervilla/redisstore/v9"
	goredis "github.com/redis/go-redis/v9"

	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/infrastructure/cookiesigner"
	sessionauthredis "github.com/sessionauth/sessionauth/infrastructure/redisstore"
	"github.com/sessionauth/sessionauth/interfaces/web"
	"github.com/sessionauth/sessionauth/internal/redistest"
)

// redisFootprintSessions is how many sessions BenchmarkRedisFootprint
// stores per row.
const redisFootprintSessions = 100_000

// footprintTokens are the tokens a login keeps in the session, 3 000 bytes of
// base64url text as OpenID providers' tokens are: an access token, an ID
// token and a refresh token. Each session gets tokens of its own, the same
// sequence for every row.
func footprintTokens(rng *rand.Rand) map[string]any {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	text := func(n int) string {
		var sb strings.Builder
		sb.Grow(n)
		for range n {
			sb.WriteByte(alphabet[rng.IntN(len(alphabet))])
		}
		return sb.String()
	}
	return map[string]any{"access_token": text(1200), "id_token": text(1100), "refresh_token": text(700)}
}

// footprintRow is one store as its users run it, serving /anonymous (the
// ten values) and /login (the ten values and the tokens), each request a
// new session.
type footprintRow struct {
	name  string
	build func(b *testing.B, client goredis.UniversalClient, addr string) (access, func(http.ResponseWriter, *http.Request), func(http.Handler) http.Handler)
}

var footprintRows = []footprintRow{
	{"sessionauth", func(b *testing.B, client goredis.UniversalClient, _ string) (access, func(http.ResponseWriter, *http.Request), func(http.Handler) http.Handler) {
		repo := sessionauthredis.New(client, sessionauthredis.Options{MaxAge: maxAge * time.Second, MaxSize: maxSize})
		return sessionauthAccess{}, nil, func(h http.Handler) http.Handler { return sessionauthWrap(b, repo, h) }
	}},
	{"scs", func(b *testing.B, _ goredis.UniversalClient, addr string) (access, func(http.ResponseWriter, *http.Request), func(http.Handler) http.Handler) {
		m := newSCS(redisstore.New(redigoPoolAt(b, addr)))
		return scsAccess{m}, nil, m.LoadAndSave
	}},
	{"gorilla-redistore", func(b *testing.B, _ goredis.UniversalClient, addr string) (access, func(http.ResponseWriter, *http.Request), func(http.Handler) http.Handler) {
		store, err := redistore.NewRediStoreWithPool(redigoPoolAt(b, addr), []byte("bench secret"))
		if err != nil {
			b.Fatal(err)
		}
		store.SetMaxAge(maxAge)
		store.SetMaxLength(maxSize)
		return gorillaAccess{store}, gorillaSave(b), nil
	}},
	// rbcervilla/redisstore as Flamingo's redis backend sets it up.
	{"flamingo-rbcervilla", func(b *testing.B, client goredis.UniversalClient, _ string) (access, func(http.ResponseWriter, *http.Request), func(http.Handler) http.Handler) {
		store, err := rbredisstore.NewRedisStore(context.Background(), client)
		if err != nil {
			b.Fatal(err)
		}
		store.Options(sessions.Options{Path: "/", MaxAge: maxAge, HttpOnly: true})
		return gorillaAccess{store}, gorillaSave(b), nil
	}},
}

func gorillaSave(b *testing.B) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := sessions.Save(r, w); err != nil {
			b.Error(err)
		}
	}
}

// BenchmarkRedisFootprint stores 100 000 sessions per row on a fresh
// redis-server, through each store's own request path: anonymous ones of
// the ten values, and logged-in ones that also hold 3 000 bytes of tokens.
// It reports the server's used_memory growth per session (B/session).
// Run it once: -benchtime 1x.
func BenchmarkRedisFootprint(b *testing.B) {
	for _, shape := range []string{"anonymous", "login"} {
		for _, row := range footprintRows {
			b.Run(row.name+"/"+shape, func(b *testing.B) {
				for b.Loop() {
					srv := redistest.Standalone(b)
					admin := srv.Client(b)
					client, err := sessionauthredis.NewClient(sessionauthredis.ClientOptions{Host: srv.Addr, IdleConnections: 16, Timeout: 5 * time.Second})
					if err != nil {
						b.Fatal(err)
					}
					a, save, wrap := row.build(b, client, srv.Addr)
					h := footprintHandler(a, save, shape == "login")
					if wrap != nil {
						h = wrap(h)
					}
					before := usedMemory(b, admin)
					fill(b, h, redisFootprintSessions)
					after := usedMemory(b, admin)
					if n, err := admin.DBSize(context.Background()).Result(); err != nil || n < redisFootprintSessions {
						b.Fatalf("%d keys stored (%v), want at least %d", n, err, redisFootprintSessions)
					}
					b.ReportMetric(float64(after-before)/redisFootprintSessions, "B/session")
					_ = client.Close()
				}
			})
		}
	}
}

// footprintHandler stores the ten values, and the tokens with login, in
// the request's new session.
func footprintHandler(a access, save func(http.ResponseWriter, *http.Request), login bool) http.Handler {
	var mu sync.Mutex
	rng := rand.New(rand.NewPCG(1, 2))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for k, v := range tenValues() {
			a.put(r, k, v)
		}
		if login {
			mu.Lock()
			tokens := footprintTokens(rng)
			mu.Unlock()
			for k, v := range tokens {
				a.put(r, k, v)
			}
		}
		if save != nil {
			save(w, r)
		}
	})
}

// fill serves n first visits from a few goroutines.
func fill(b *testing.B, h http.Handler, n int) {
	const workers = 8
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += workers {
				r, _ := http.NewRequest(http.MethodGet, "/", nil)
				sink := newSink()
				h.ServeHTTP(sink, r)
				if len(sink.Header()["Set-Cookie"]) == 0 {
					b.Error("no session cookie set")
					return
				}
			}
		}()
	}
	wg.Wait()
}

func usedMemory(b *testing.B, admin *goredis.Client) int64 {
	info, err := admin.Info(context.Background(), "memory").Result()
	if err != nil {
		b.Fatal(err)
	}
	for line := range strings.SplitSeq(info, "\r\n") {
		if v, ok := strings.CutPrefix(line, "used_memory:"); ok {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				b.Fatal(err)
			}
			return n
		}
	}
	b.Fatal("no used_memory in INFO memory")
	return 0
}

// redigoPoolAt is a redigo pool of the server at addr.
func redigoPoolAt(b *testing.B, addr string) *redis.Pool {
	pool := &redis.Pool{MaxIdle: 16, Dial: func() (redis.Conn, error) { return redis.Dial("tcp", addr) }}
	b.Cleanup(func() { _ = pool.Close() })
	return pool
}

// sessionauthWrap is sessionauth's SessionMiddleware on repo around h.
func sessionauthWrap(b *testing.B, repo domain.SessionRepository, h http.Handler) http.Handler {
	signer, err := cookiesigner.New("flamingo", []string{"bench secret"}, maxAge*time.Second)
	if err != nil {
		b.Fatal(err)
	}
	return web.NewSessionMiddleware(repo, signer, web.SessionOptions{Name: "flamingo", MaxAge: maxAge * time.Second}).Handler(h)
}
