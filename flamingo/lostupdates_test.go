package sessionauthflamingo_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"sync"
	"testing"

	"github.com/sessionauth/sessionauth/internal/redistest"
)

// writeDisjointKeys runs two Flamingo instances on one Redis and sends
// goroutines requests of one session at once, each storing a key of its
// own, and returns how many of those keys the session holds afterwards.
func writeDisjointKeys(t *testing.T, cfg func() map[string]any, mode string, goroutines int) int {
	t.Helper()
	a, b := startFlamingo(t, cfg(), mode), startFlamingo(t, cfg(), mode)
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	fetch := func(url string) string {
		resp, err := client.Get(url)
		if err != nil {
			t.Error(err)
			return ""
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return string(body)
	}
	fetch(a + "/") // creates the session
	var wg sync.WaitGroup
	for i := 0; i < goroutines; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			srv := a
			if i%2 == 1 {
				srv = b
			}
			fetch(fmt.Sprintf("%s/set?k=key%02d", srv, i))
		}(i)
	}
	wg.Wait()
	kept := 0
	for _, k := range strings.Fields(fetch(b + "/keys")) {
		if strings.HasPrefix(k, "key") {
			kept++
		}
	}
	return kept
}

// TestFlamingoNoLostUpdates: 2 Flamingo instances x 20 goroutines write
// disjoint keys of one session. On sessionauth's Redis repository none is
// lost; Flamingo's own Redis backend, which saves whole sessions, is
// measured for comparison and the figure logged.
func TestFlamingoNoLostUpdates(t *testing.T) {
	srv := redistest.Standalone(t)
	const writers = 40
	ours := writeDisjointKeys(t, func() map[string]any {
		c := baseConfig("redis")
		session(c)["redis"] = map[string]any{"host": srv.Addr}
		return c
	}, custom, writers)
	if ours != writers {
		t.Fatalf("sessionauth behind Flamingo kept %d of %d keys written in parallel", ours, writers)
	}
	theirs := writeDisjointKeys(t, func() map[string]any {
		return map[string]any{"flamingo": map[string]any{"session": map[string]any{
			"backend": "redis", "secret": "flamingo-test-secret", "cookie": map[string]any{"secure": false},
			"redis": map[string]any{"host": srv.Addr},
		}}}
	}, flamingoOnly, writers)
	t.Logf("keys kept of %d written in parallel by 2 instances: sessionauth %d, Flamingo's own Redis backend %d (lost %d)",
		writers, ours, theirs, writers-theirs)
}
