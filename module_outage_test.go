package sessionauth_test

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"sync"
	"testing"

	"github.com/sessionauth/sessionauth/internal/redistest"
)

// syncBuffer is a log sink safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestRedisOutageDuringRequests stops Redis between requests: with the
// default failure mode the visitor gets 503 and a logged error; with
// "continue" the request is served with a fresh session that sets no
// cookie, so the visitor's stored session is not replaced.
func TestRedisOutageDuringRequests(t *testing.T) {
	prev := slog.Default()
	t.Cleanup(func() { slog.SetDefault(prev) })
	for _, mode := range []string{"fail", "continue"} {
		t.Run(mode, func(t *testing.T) {
			logs := &syncBuffer{}
			slog.SetDefault(slog.New(slog.NewTextHandler(logs, nil)))
			srv := redistest.Standalone(t)
			injector := newInjector(t, map[string]any{
				"flamingo.session.backend": "redis", "flamingo.session.redis.host": srv.Addr,
				"flamingo.session.redis.timeout": "500ms", "flamingo.session.failureMode": mode,
			})
			httpSrv := counterServer(t, injector)
			jar, _ := cookiejar.New(nil)
			client := &http.Client{Jar: jar}
			if resp, err := client.Get(httpSrv.URL); err != nil || resp.StatusCode != 200 {
				t.Fatalf("before the outage: %v %v", resp, err)
			}
			srv.Stop()
			resp, err := client.Get(httpSrv.URL)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			want := map[string]int{"fail": http.StatusServiceUnavailable, "continue": http.StatusOK}[mode]
			if resp.StatusCode != want || len(resp.Header.Values("Set-Cookie")) != 0 {
				t.Fatalf("during the outage: %d with cookies %v; want %d and no cookie", resp.StatusCode, resp.Header.Values("Set-Cookie"), want)
			}
			if !strings.Contains(logs.String(), "level=ERROR") {
				t.Fatalf("the outage was not logged as an error:\n%s", logs)
			}
		})
	}
}
