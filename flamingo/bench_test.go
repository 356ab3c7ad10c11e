package sessionauthflamingo_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"flamingo.me/dingo"
	"github.com/redis/go-redis/v9"
	"gopkg.in/yaml.v3"

	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/infrastructure/cookiesigner"
	"github.com/sessionauth/sessionauth/infrastructure/redisstore"
	sessionauthweb "github.com/sessionauth/sessionauth/interfaces/web"
	"github.com/sessionauth/sessionauth/internal/redistest"
)

// flamingoBuilt is set once a benchmark built a Flamingo application: one
// process holds one (see app_test.go), so each Flamingo variant must run
// in a process of its own.
var flamingoBuilt atomic.Bool

// benchMaxAge is Flamingo's default flamingo.session.max.age, which the
// Flamingo variants use; the repository and the middleware use it too.
const benchMaxAge = 30 * 24 * time.Hour

// benchVariant builds the handler of one way to serve a request with a
// session on the Redis at addr, and the client whose round trips count.
type benchVariant struct {
	name  string
	build func(b *testing.B, addr string) (http.Handler, redis.UniversalClient)
}

var benchVariants = []benchVariant{
	{"flamingo-always", flamingoOwn("Always")},
	{"flamingo-onwrite", flamingoOwn("OnWrite")},
	{"flamingo-sessionauth", flamingoOurs},
	{"sessionauth", middleware},
}

// BenchmarkRequestOnRedis measures one request of a returning visitor
// whose session lives in Redis: "write" increments a counter in the
// session, "read" only reads it. Run each Flamingo variant in a process of
// its own (docs/performance-flamingo.md has the command).
func BenchmarkRequestOnRedis(b *testing.B) {
	for _, v := range benchVariants {
		b.Run(v.name, func(b *testing.B) {
			srv := redistest.Standalone(b)
			h, client := v.build(b, srv.Addr)
			trips := redistest.CountRoundTrips(client)
			cookie := firstVisit(b, h)
			for _, path := range []string{"/", "/read"} {
				b.Run(map[string]string{"/": "write", "/read": "read"}[path], func(b *testing.B) {
					req := httptest.NewRequest(http.MethodGet, path, nil)
					req.AddCookie(cookie)
					b.ReportAllocs()
					start := trips.Total()
					for b.Loop() {
						h.ServeHTTP(httptest.NewRecorder(), req)
					}
					b.ReportMetric(float64(trips.Total()-start)/float64(b.N), "roundtrips/op")
				})
			}
		})
	}
}

// firstVisit makes the session and returns its cookie.
func firstVisit(b *testing.B, h http.Handler) *http.Cookie {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	for _, c := range rec.Result().Cookies() {
		if c.Name == "flamingo" {
			return c
		}
	}
	b.Fatalf("the first visit set no session cookie: %d %v", rec.Code, rec.Header())
	return nil
}

// flamingoOwn is Flamingo v3.17.4 with its own Redis backend in saveMode.
func flamingoOwn(saveMode string) func(*testing.B, string) (http.Handler, redis.UniversalClient) {
	return func(b *testing.B, addr string) (http.Handler, redis.UniversalClient) {
		injector, h := benchApplication(b, flamingoOnly, map[string]any{"backend": "redis", "saveMode": saveMode,
			"redis": map[string]any{"host": addr}})
		client, err := injector.GetInstance(new(redis.UniversalClient))
		if err != nil {
			b.Fatal(err)
		}
		return h, client.(redis.UniversalClient)
	}
}

// flamingoOurs is Flamingo v3.17.4 (default saveMode Always) with
// sessionauth's Redis repository as its custom backend, bound under a
// name of its own so that its client can be counted.
func flamingoOurs(b *testing.B, addr string) (http.Handler, redis.UniversalClient) {
	client, repo := benchRepository(b, addr)
	bindRepo := dingo.ModuleFunc(func(injector *dingo.Injector) {
		injector.BindMap(new(domain.SessionRepository), "counted").ToInstance(repo)
	})
	_, h := benchApplication(b, custom, map[string]any{"backend": "custom", "repository": "counted"}, bindRepo)
	return h, client
}

// middleware is sessionauth's SessionMiddleware without Flamingo.
func middleware(b *testing.B, addr string) (http.Handler, redis.UniversalClient) {
	client, repo := benchRepository(b, addr)
	signer, err := cookiesigner.New("flamingo", []string{"bench-secret"}, benchMaxAge)
	if err != nil {
		b.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s := sessionauthweb.SessionFromContext(r.Context())
		n, _ := s.Try("n").(int)
		s.Store("n", n+1)
		fmt.Fprint(w, n+1)
	})
	mux.HandleFunc("/read", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, sessionauthweb.SessionFromContext(r.Context()).Try("n"))
	})
	opts := sessionauthweb.SessionOptions{Name: "flamingo", MaxAge: benchMaxAge}
	return sessionauthweb.NewSessionMiddleware(repo, signer, opts).Handler(mux), client
}

func benchRepository(b *testing.B, addr string) (redis.UniversalClient, domain.SessionRepository) {
	client, err := redisstore.NewClient(redisstore.ClientOptions{Host: addr, IdleConnections: 10, Timeout: 5 * time.Second})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = client.Close() })
	return client, redisstore.New(client, redisstore.Options{MaxAge: benchMaxAge, MaxSize: 1024 * 1024})
}

// benchApplication builds the test application in mode, in this process,
// with session as its flamingo.session configuration.
func benchApplication(b *testing.B, mode string, session map[string]any, extra ...dingo.Module) (*dingo.Injector, http.Handler) {
	if !flamingoBuilt.CompareAndSwap(false, true) {
		b.Fatal("this process already holds a Flamingo application; run one Flamingo variant per process (-bench 'BenchmarkRequestOnRedis/<variant>/')")
	}
	session["secret"], session["cookie"] = "bench-secret", map[string]any{"secure": false}
	dir := b.TempDir()
	y, err := yaml.Marshal(map[string]any{"flamingo": map[string]any{"session": session}})
	if err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "config.yml"), y, 0o600); err != nil {
		b.Fatal(err)
	}
	injector, h, err := buildApplication(dir, mode, extra...)
	if err != nil {
		b.Fatal(err)
	}
	return injector, h
}
