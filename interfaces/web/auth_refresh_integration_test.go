package web_test

import (
	"io"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/sessionauth/sessionauth/application"
	"github.com/sessionauth/sessionauth/internal/oidctest"
)

// TestParallelRequestsRefreshOnce sends 20 requests of one logged-in
// visitor at once, each loading the session from the repository, when the
// access token is due: the provider sees exactly one refresh, every request
// reaches its userinfo endpoint with a valid token, and the session keeps
// the refreshed tokens.
func TestParallelRequestsRefreshOnce(t *testing.T) {
	a := startAppWith(t, oidctest.Options{AccessTokenLifetime: 2 * time.Second, RefreshedTokenLifetime: time.Hour},
		application.Options{RefreshLeeway: time.Millisecond})
	v := newBrowserVisitor(t)
	v.logIn(a, "/")
	if code, _, body := v.do("GET", a.srv.URL+"/userinfo", nil); code != 200 {
		t.Fatalf("userinfo before expiry: %d %s", code, body)
	}
	time.Sleep(2100 * time.Millisecond)
	var wg sync.WaitGroup
	codes := make(chan int, 20)
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := v.client.Get(a.srv.URL + "/userinfo")
			if err != nil {
				t.Errorf("parallel request: %v", err)
				return
			}
			body, _ := io.ReadAll(resp.Body)
			_ = resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Errorf("a parallel request got %d %s", resp.StatusCode, body)
			}
			codes <- resp.StatusCode
		}()
	}
	wg.Wait()
	close(codes)
	if len(codes) != 20 || t.Failed() {
		t.Fatalf("%d of 20 parallel requests answered, see above", len(codes))
	}
	if n := a.provider.RefreshCount(); n != 1 {
		t.Fatalf("the provider saw %d refreshes, want exactly 1", n)
	}
	if code, _, _ := v.do("GET", a.srv.URL+"/userinfo", nil); code != 200 || a.provider.RefreshCount() != 1 {
		t.Fatalf("after the parallel requests: %d, %d refreshes; the refreshed tokens were not kept in the session", code, a.provider.RefreshCount())
	}
}
