package bench_test

import (
	"context"
	"net"
	"net/http"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alexedwards/scs/redisstore"
	"github.com/boj/redistore"
	"github.com/gomodule/redigo/redis"
	"github.com/gorilla/sessions"
	goredis "github.com/redis/go-redis/v9"

	"github.com/sessionauth/sessionauth/domain"
	sessionauthredis "github.com/sessionauth/sessionauth/infrastructure/redisstore"
	"github.com/sessionauth/sessionauth/internal/redistest"
)

// redisEnv is the redis-server of one variant and what counts its work.
type redisEnv struct {
	srv   *redistest.Server
	admin *goredis.Client
}

// goRedis returns a go-redis client for the variant and counts its round
// trips into trips.
func (e *redisEnv) goRedis(b *testing.B, trips *redistest.RoundTrips) goredis.UniversalClient {
	client, err := sessionauthredis.NewClient(sessionauthredis.ClientOptions{Host: e.srv.Addr, IdleConnections: 10, Timeout: 5 * time.Second})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = client.Close() })
	client.AddHook(trips)
	return client
}

// redigoPool is a redigo pool whose connections count the requests they
// send: one write of a command or a pipeline is one round trip.
func (e *redisEnv) redigoPool(b *testing.B, trips *atomic.Int64) *redis.Pool {
	pool := &redis.Pool{MaxIdle: 10, Dial: func() (redis.Conn, error) {
		return redis.Dial("tcp", e.srv.Addr, redis.DialNetDial(func(network, addr string) (net.Conn, error) {
			c, err := net.Dial(network, addr)
			return &countingConn{Conn: c, writes: trips}, err
		}))
	}}
	b.Cleanup(func() { _ = pool.Close() })
	return pool
}

type countingConn struct {
	net.Conn
	writes *atomic.Int64
}

func (c *countingConn) Write(p []byte) (int, error) {
	c.writes.Add(1)
	return c.Conn.Write(p)
}

// goRedisFloor is the least the request needs from Redis, with plain
// go-redis commands and an unsigned cookie: HGETALL to read; HGETALL,
// then HSET and PEXPIRE in one pipeline to write.
type goRedisFloor struct{ client goredis.UniversalClient }

func (f goRedisFloor) key(r *http.Request) string {
	c, _ := r.Cookie("sid")
	if c == nil {
		return ""
	}
	return "floor:" + c.Value
}

func (f goRedisFloor) serve(write bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		values, err := f.client.HGetAll(ctx, f.key(r)).Result()
		if err != nil || len(values) != len(keys) {
			http.Error(w, "load", http.StatusInternalServerError)
			return
		}
		if write {
			n, _ := strconv.Atoi(values["visits"])
			_, err = f.client.Pipelined(ctx, func(p goredis.Pipeliner) error {
				p.HSet(ctx, f.key(r), "visits", n+1)
				p.PExpire(ctx, f.key(r), maxAge*time.Second)
				return nil
			})
		}
		if err != nil {
			http.Error(w, "save", http.StatusInternalServerError)
			return
		}
		_, _ = w.Write([]byte(strconv.Itoa(len(values))))
	}
}

func floorRedis(b *testing.B, e *redisEnv) *served {
	trips := new(redistest.RoundTrips)
	f := goRedisFloor{client: e.goRedis(b, trips)}
	id := domain.NewSessionID()
	mux := http.NewServeMux()
	mux.HandleFunc("/init", func(w http.ResponseWriter, r *http.Request) {
		ctx := context.Background()
		for k, v := range tenValues() {
			f.client.HSet(ctx, "floor:"+id, k, v)
		}
		http.SetCookie(w, &http.Cookie{Name: "sid", Value: id})
	})
	mux.Handle("/read", f.serve(false))
	mux.Handle("/write", f.serve(true))
	return &served{handler: mux, cookie: "sid", trips: trips.Total}
}

func sessionauthRedis(b *testing.B, e *redisEnv) *served {
	trips := new(redistest.RoundTrips)
	repo := sessionauthredis.New(e.goRedis(b, trips), sessionauthredis.Options{MaxAge: maxAge * time.Second, MaxSize: maxSize})
	return &served{handler: sessionauthMiddleware(b, repo), cookie: "flamingo", trips: trips.Total}
}

// sessionauthRedisCached is sessionauth-redis with the client-side cache
// on (flamingo.session.redis.clientCache).
func sessionauthRedisCached(b *testing.B, e *redisEnv) *served {
	trips := new(redistest.RoundTrips)
	repo := sessionauthredis.New(e.goRedis(b, trips), sessionauthredis.Options{MaxAge: maxAge * time.Second, MaxSize: maxSize,
		ClientCache: sessionauthredis.ClientCacheOptions{Enabled: true}})
	b.Cleanup(func() { _ = repo.Close() })
	return &served{handler: sessionauthMiddleware(b, repo), cookie: "flamingo", trips: trips.Total}
}

func scsRedis(b *testing.B, e *redisEnv) *served {
	trips := new(atomic.Int64)
	m := newSCS(redisstore.New(e.redigoPool(b, trips)))
	return &served{handler: m.LoadAndSave(app(scsAccess{m}, nil)), cookie: "session", trips: trips.Load}
}

// gorillaAccess is a gorilla store's session of the request.
type gorillaAccess struct{ store sessions.Store }

func (a gorillaAccess) session(r *http.Request) *sessions.Session {
	s, _ := a.store.Get(r, "session")
	return s
}
func (a gorillaAccess) get(r *http.Request, key string) any { return a.session(r).Values[key] }
func (a gorillaAccess) put(r *http.Request, key string, v any) {
	a.session(r).Values[key] = v
}

func gorillaRedis(b *testing.B, e *redisEnv) *served {
	trips := new(atomic.Int64)
	store, err := redistore.NewRediStoreWithPool(e.redigoPool(b, trips), []byte("bench secret"))
	if err != nil {
		b.Fatal(err)
	}
	store.SetMaxAge(maxAge)
	store.SetMaxLength(maxSize)
	a := gorillaAccess{store}
	h := app(a, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/read" {
			return // gorilla's users save when they changed something
		}
		if err := sessions.Save(r, w); err != nil {
			b.Error(err)
		}
	})
	return &served{handler: h, cookie: "session", trips: trips.Load}
}
