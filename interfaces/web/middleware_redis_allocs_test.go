package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/infrastructure/redisstore"
	"github.com/sessionauth/sessionauth/infrastructure/telemetry"
	"github.com/sessionauth/sessionauth/interfaces/web"
	"github.com/sessionauth/sessionauth/internal/redistest"
)

// TestSessionMiddlewareRedisAllocations pins the allocations of a request
// that reads its session through the middleware on the Redis repository,
// against a real redis-server, with the client the Redis backend builds
// (NewClient and the round-trip hook): verify the cookie, load (one
// pipeline of two HGETALLs: the session's hash and its big-values hash,
// empty here), read every value of a session of ten (six strings, two ints,
// a bool, a float, as the comparison benchmark in bench/ holds), save
// nothing. Most of the count is go-redis's reply: a string per field
// name and per value (the ten values, "m", "s" and "t"), and the map that
// holds them; the pipeline and the second, empty reply add 16. make allocs
// runs it without the race detector.
func TestSessionMiddlewareRedisAllocations(t *testing.T) {
	if raceDetector {
		t.Skip("allocation counts are checked without -race (make allocs)")
	}
	srv := redistest.Standalone(t)
	client, err := redisstore.NewClient(redisstore.ClientOptions{Host: srv.Addr})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = client.Close() })
	client.AddHook(telemetry.RoundTrips{})
	repo := redisstore.New(client, redisstore.Options{MaxAge: time.Hour, MaxSize: 1 << 20})
	signer := secureSigner(t, "allocation secret")

	values := map[string]any{
		"user": "alice", "visits": 12, "cart": "sku-1,sku-2", "theme": "dark", "lang": "de",
		"admin": false, "score": 3.5, "ref": "newsletter", "step": 2, "csrf": "0123456789abcdef",
	}
	s := domain.NewSession()
	for k, v := range values {
		s.Store(k, v)
	}
	if err := repo.Save(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.AddCookie(signed(t, signer, s.ID()))
	mw := web.NewSessionMiddleware(repo, signer, web.SessionOptions{MaxAge: time.Hour})
	found := 0
	h := mw.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := web.SessionFromContext(r.Context())
		found = 0
		for k := range values {
			if _, ok := s.Load(k); ok {
				found++
			}
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	w := &benchWriter{header: make(http.Header)}
	h.ServeHTTP(w, req) // opens the connection, fills the pools
	const max = 70
	if got := testing.AllocsPerRun(200, func() { clear(w.header); h.ServeHTTP(w, req) }); got > max {
		t.Errorf("%v allocations per request, want at most %v", got, max)
	} else {
		t.Logf("%v allocations per request", got)
	}
	if found != len(values) || len(w.header) != 0 {
		t.Errorf("the handler found %d of %d values, the response header is %v; want all and no cookie", found, len(values), w.header)
	}
}
