package web_test

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/sessionauth/sessionauth/infrastructure/memorystore"
	"github.com/sessionauth/sessionauth/interfaces/web"
)

// TestSessionMiddlewareAllocations pins the allocations of one request
// through the middleware on the memory repository with the secure cookie
// signer, for a session of ten values (as BenchmarkSessionMiddleware):
// verify the cookie, load, read every value, (change one, save, sign the
// new cookie). A response writer with Flush, Hijack and ReadFrom, as
// net/http's has, costs nothing more. make allocs runs it without the
// race detector.
func TestSessionMiddlewareAllocations(t *testing.T) {
	if raceDetector {
		t.Skip("allocation counts are checked without -race (make allocs)")
	}
	repo := memorystore.New(memorystore.Options{MaxAge: time.Hour})
	t.Cleanup(func() { _ = repo.Close() })
	signer := secureSigner(t, "allocation secret")
	s, keys := tenValues(t, repo)
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.AddCookie(signed(t, signer, s.ID()))
	mw := web.NewSessionMiddleware(repo, signer, web.SessionOptions{MaxAge: time.Hour})
	for _, tc := range []struct {
		name   string
		write  bool
		server bool // the writer has Flush, Hijack and ReadFrom, as net/http's has
		max    float64
	}{{"read", false, false, 11}, {"read, server's writer", false, true, 11}, {"write", true, false, 26}} {
		n := 0
		h := mw.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			s := web.SessionFromContext(r.Context())
			for _, k := range keys {
				_, _ = s.Load(k)
			}
			if tc.write {
				n++
				s.Store("key0", n+1000) // a new value each time, boxed like most values
			}
			w.WriteHeader(http.StatusNoContent)
		}))
		bw := &benchWriter{header: make(http.Header)}
		var w http.ResponseWriter = bw
		if tc.server {
			w = serverWriter{bw}
		}
		h.ServeHTTP(w, req) // fills the pools
		if got := testing.AllocsPerRun(200, func() { clear(bw.header); h.ServeHTTP(w, req) }); got > tc.max {
			t.Errorf("%s: %v allocations per request, want at most %v", tc.name, got, tc.max)
		} else {
			t.Logf("%s: %v allocations per request", tc.name, got)
		}
	}
}

// serverWriter is a benchWriter with the optional interfaces of net/http's
// writer.
type serverWriter struct{ *benchWriter }

func (serverWriter) Flush() {}
func (serverWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return nil, nil, errors.ErrUnsupported
}
func (serverWriter) ReadFrom(src io.Reader) (int64, error) { return io.Copy(io.Discard, src) }
