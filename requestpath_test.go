package sessionauth_test

import (
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/sessionauth/sessionauth/infrastructure/cookiesigner"
	"github.com/sessionauth/sessionauth/infrastructure/redisstore"
	"github.com/sessionauth/sessionauth/interfaces/web"
	"github.com/sessionauth/sessionauth/internal/redistest"
)

// TestRedisRoundTripsPerRequest pins the cost of the request path on
// Redis: a visitor with nothing to store costs nothing, a request that only
// reads its session one round trip, a request that changes it two.
func TestRedisRoundTripsPerRequest(t *testing.T) {
	srv := redistest.Standalone(t)
	client := srv.Client(t)
	counter := redistest.CountRoundTrips(client)
	const maxAge = time.Hour
	repo := redisstore.New(client, redisstore.Options{MaxAge: maxAge})
	signer, err := cookiesigner.New("s", []string{"secret"}, maxAge)
	if err != nil {
		t.Fatal(err)
	}
	mw := web.NewSessionMiddleware(repo, signer, web.SessionOptions{Name: "s", MaxAge: maxAge})
	handler := mw.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := web.SessionFromContext(r.Context())
		_ = s.Try("user")
		if v := r.URL.Query().Get("set"); v != "" {
			s.Store("user", v)
		}
	}))
	httpSrv := httptest.NewServer(handler)
	defer httpSrv.Close()
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar}
	request := func(query string) int64 {
		return counter.During(func() {
			resp, err := browser.Get(httpSrv.URL + "/?" + query)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
		})
	}
	steps := []struct {
		name  string
		query string
		want  int64
	}{
		{"new visitor, nothing stored", "", 0},
		{"first write (create, script loaded once)", "set=alice", -1},
		{"read only", "", 1},
		{"read only again", "", 1},
		{"change", "set=bob", 2},
		{"read only after a change", "", 1},
	}
	for _, st := range steps {
		got := request(st.query)
		if st.want >= 0 && got != st.want {
			t.Errorf("%s: %d round trips, want %d", st.name, got, st.want)
		}
	}
}
