package web_test

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/sessionauth/sessionauth/infrastructure/cookiestore"
	"github.com/sessionauth/sessionauth/interfaces/web"
)

// cookieEnv is a middleware over the cookie repository, and a browser's
// cookie jar of one site.
type cookieEnv struct {
	mw  *web.SessionMiddleware
	jar map[string]*http.Cookie
	log *bytes.Buffer
}

func newCookieEnv(t *testing.T) *cookieEnv {
	repo, err := cookiestore.New(cookiestore.Options{Secrets: [][]byte{[]byte("a secret of thirty-two bytes....")}, MaxAge: testMaxAge})
	if err != nil {
		t.Fatal(err)
	}
	e := &cookieEnv{jar: map[string]*http.Cookie{}, log: &bytes.Buffer{}}
	e.mw = web.NewSessionMiddleware(repo, nil, web.SessionOptions{MaxAge: testMaxAge,
		Logger: slog.New(slog.NewTextHandler(e.log, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	return e
}

// serve runs one request with the jar's cookies and keeps the cookies the
// response sets, as a browser does.
func (e *cookieEnv) serve(h http.HandlerFunc) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodGet, "/page", nil)
	for _, c := range e.jar {
		req.AddCookie(c)
	}
	rec := httptest.NewRecorder()
	e.mw.Handler(h).ServeHTTP(rec, req)
	for _, c := range rec.Result().Cookies() {
		if c.MaxAge < 0 {
			delete(e.jar, c.Name)
		} else {
			e.jar[c.Name] = &http.Cookie{Name: c.Name, Value: c.Value}
		}
	}
	return rec
}

func store(key string, value any) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) { web.SessionFromContext(r.Context()).Store(key, value) }
}

func TestCookieRepositoryThroughMiddleware(t *testing.T) {
	e := newCookieEnv(t)
	if rec := e.serve(func(http.ResponseWriter, *http.Request) {}); len(rec.Result().Cookies()) != 0 {
		t.Fatal("a visitor who stores nothing got cookies")
	}
	e.serve(store("cart", "3 items"))
	var got any
	e.serve(func(w http.ResponseWriter, r *http.Request) { got = web.SessionFromContext(r.Context()).Try("cart") })
	if got != "3 items" {
		t.Fatalf("the next request reads %v", got)
	}
	big := make([]byte, 3000)
	_, _ = rand.Read(big)
	e.serve(store("big", hex.EncodeToString(big)))
	if len(e.jar) != 2 {
		t.Fatalf("%d cookies after storing 6000 characters, want 2 chunks", len(e.jar))
	}
	e.serve(func(w http.ResponseWriter, r *http.Request) { web.SessionFromContext(r.Context()).Delete("big") })
	if len(e.jar) != 1 {
		t.Fatalf("%d cookies after shrinking, want 1: the second chunk is not expired", len(e.jar))
	}
	e.serve(func(w http.ResponseWriter, r *http.Request) { web.SessionFromContext(r.Context()).Destroy() })
	if len(e.jar) != 0 {
		t.Fatalf("cookies %v left after Destroy", e.jar)
	}
}

func TestCookieRepositoryOverCapAnswers500(t *testing.T) {
	e := newCookieEnv(t)
	e.serve(store("cart", "1"))
	before := e.jar["flamingo"].Value
	big := make([]byte, 6000)
	_, _ = rand.Read(big)
	rec := e.serve(store("big", hex.EncodeToString(big)))
	if rec.Code != http.StatusInternalServerError || len(rec.Result().Cookies()) != 0 {
		t.Fatalf("status %d with %d cookies, want 500 and none", rec.Code, len(rec.Result().Cookies()))
	}
	if !strings.Contains(e.log.String(), "session too large") || e.jar["flamingo"].Value != before {
		t.Fatalf("log %q; the cookie changed: %v", e.log.String(), e.jar["flamingo"].Value != before)
	}
}

func TestCookieRepositoryTamperedIsNewSession(t *testing.T) {
	e := newCookieEnv(t)
	e.serve(store("user", "alice"))
	v := e.jar["flamingo"].Value
	e.jar["flamingo"].Value = v[:len(v)-2] + "AA"
	var got any = "unset"
	rec := e.serve(func(w http.ResponseWriter, r *http.Request) { got = web.SessionFromContext(r.Context()).Try("user") })
	if rec.Code != http.StatusOK || got != nil {
		t.Fatalf("status %d, user %v: want 200 and a new session", rec.Code, got)
	}
}

// TestCookieRepositoryParallelWrites measures what two parallel requests
// of one visitor, each writing another key, leave behind: the cookies of
// the response the browser takes last, whole. A request that changes
// nothing (an asset beside a login's callback) sends no cookie and so
// cannot undo the other's save.
func TestCookieRepositoryParallelWrites(t *testing.T) {
	e := newCookieEnv(t)
	e.serve(store("start", 1))
	sentCookies := e.jar["flamingo"]
	run := func(h http.HandlerFunc) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, "/page", nil)
		req.AddCookie(sentCookies)
		rec := httptest.NewRecorder()
		e.mw.Handler(h).ServeHTTP(rec, req)
		return rec
	}
	a, b := run(store("a", 1)), run(store("b", 2)) // both loaded the same cookies
	asset := run(func(http.ResponseWriter, *http.Request) {})
	if n := len(asset.Result().Cookies()); n != 0 {
		t.Fatalf("a request that changes nothing sends %d cookies", n)
	}
	for key, last := range map[string]*httptest.ResponseRecorder{"a": a, "b": b} {
		e.jar = map[string]*http.Cookie{}
		for _, c := range last.Result().Cookies() {
			e.jar[c.Name] = &http.Cookie{Name: c.Name, Value: c.Value}
		}
		var got []string
		e.serve(func(w http.ResponseWriter, r *http.Request) { got = web.SessionFromContext(r.Context()).Keys() })
		t.Logf("the browser keeps the cookies of the response that wrote %q: the session holds %v", key, got)
		if len(got) != 2 || got[0] != key {
			t.Errorf("keys %v: want start and the last writer's key only", got)
		}
	}
}
