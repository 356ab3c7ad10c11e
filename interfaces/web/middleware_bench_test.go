package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/infrastructure/memorystore"
	"github.com/sessionauth/sessionauth/interfaces/web"
)

// benchWriter is a ResponseWriter that keeps nothing, so that the benchmark
// measures the middleware rather than a recorder.
type benchWriter struct{ header http.Header }

func (w *benchWriter) Header() http.Header         { return w.header }
func (w *benchWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *benchWriter) WriteHeader(int)             {}

// BenchmarkSessionMiddleware measures one request cycle with the memory
// repository and the secure cookie signer: read and verify the cookie,
// load a session of 10 small values, run a handler that reads all of them
// (and, in "write", changes one), save, set the cookie. "new-visitor" is a
// request without cookie whose handler stores nothing, as from a bot.
func BenchmarkSessionMiddleware(b *testing.B) {
	repo := memorystore.New(memorystore.Options{MaxAge: time.Hour})
	b.Cleanup(func() { repo.Close() })
	signer := secureSigner(b, "benchmark secret")
	mw := web.NewSessionMiddleware(repo, signer, web.SessionOptions{MaxAge: time.Hour})

	s, keys := tenValues(b, repo)
	withCookie := httptest.NewRequest(http.MethodGet, "/", nil)
	withCookie.AddCookie(signed(b, signer, s.ID()))

	cases := []struct {
		name  string
		req   *http.Request
		write bool
	}{
		{"read-only", withCookie, false},
		{"write", withCookie, true},
		{"new-visitor", httptest.NewRequest(http.MethodGet, "/", nil), false},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			n := 0
			h := mw.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				s := web.SessionFromContext(r.Context())
				for _, k := range keys {
					_, _ = s.Load(k)
				}
				if c.write {
					n++
					s.Store("key0", n)
				}
				w.WriteHeader(http.StatusNoContent)
			}))
			w := &benchWriter{header: make(http.Header)}
			b.ReportAllocs()
			for b.Loop() {
				clear(w.header)
				h.ServeHTTP(w, c.req)
			}
			if setCookie := w.header.Get("Set-Cookie") != ""; setCookie != c.write {
				b.Fatalf("last response set a cookie: %v; want %v", setCookie, c.write)
			}
		})
	}
}

// tenValues stores a session of ten small values, key0…key9, in repo.
func tenValues(tb testing.TB, repo domain.SessionRepository) (*domain.Session, []string) {
	tb.Helper()
	keys := make([]string, 10)
	s := domain.NewSession()
	for i := range keys {
		keys[i] = fmt.Sprintf("key%d", i)
		s.Values[keys[i]] = i
	}
	if err := repo.Save(context.Background(), s); err != nil {
		tb.Fatal(err)
	}
	return s, keys
}
