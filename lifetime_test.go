package sessionauth_test

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/sessionauth/sessionauth/infrastructure/cookiesigner"
	"github.com/sessionauth/sessionauth/infrastructure/memorystore"
	"github.com/sessionauth/sessionauth/interfaces/web"
)

// TestAbsoluteLifetime: with SessionOptions.MaxLifetime a visitor who is
// active all the time (a request every 200 ms, well within the idle
// timeout) keeps the session until the absolute lifetime, and then starts
// a new one.
func TestAbsoluteLifetime(t *testing.T) {
	const lifetime = 1200 * time.Millisecond
	repo := memorystore.New(memorystore.Options{MaxAge: time.Hour})
	t.Cleanup(func() { _ = repo.Close() })
	signer, err := cookiesigner.New("s", []string{"secret"}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	mw := web.NewSessionMiddleware(repo, signer, web.SessionOptions{Name: "s", MaxAge: time.Hour, MaxLifetime: lifetime})
	srv := httptest.NewServer(mw.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := web.SessionFromContext(r.Context())
		if v := r.URL.Query().Get("set"); v != "" {
			s.Store("cart", v)
		}
		cart, _ := s.Try("cart").(string)
		_, _ = io.WriteString(w, cart+"|")
	})))
	defer srv.Close()
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar}
	get := func(q string) string {
		resp, err := browser.Get(srv.URL + "/?" + q)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	start := time.Now()
	get("set=book")
	for time.Since(start) < lifetime-300*time.Millisecond {
		if got := get(""); got != "book|" {
			t.Fatalf("%v after the first save, within the lifetime: %q; want the cart", time.Since(start), got)
		}
		time.Sleep(200 * time.Millisecond)
	}
	time.Sleep(time.Until(start.Add(lifetime + 200*time.Millisecond)))
	if got := get(""); got != "|" {
		t.Fatalf("%v after the first save, past the absolute lifetime %v: %q; want a new, empty session", time.Since(start), lifetime, got)
	}
}
