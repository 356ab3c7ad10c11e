package web_test

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/golang/mock/gomock"
	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/infrastructure/cookiesigner"
	"github.com/sessionauth/sessionauth/infrastructure/memorystore"
	"github.com/sessionauth/sessionauth/interfaces/web"
	"github.com/sessionauth/sessionauth/mocks"
)

func secureSigner(t testing.TB, secrets ...string) *cookiesigner.Signer {
	t.Helper()
	s, err := cookiesigner.New("flamingo", secrets, testMaxAge)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func signed(t testing.TB, s domain.CookieSigner, id string) *http.Cookie {
	t.Helper()
	v, err := s.Sign(id)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Cookie{Name: "flamingo", Value: v}
}

func TestSessionMiddlewareKeyRotation(t *testing.T) {
	repo := mocks.NewMockSessionRepository(gomock.NewController(t))
	s := stored(t, map[string]any{"user": "alice"}, testMaxAge)
	id := s.ID()
	repo.EXPECT().Load(gomock.Any(), id).Return(s, nil)
	repo.EXPECT().Save(gomock.Any(), s).Return(nil)
	mw := web.NewSessionMiddleware(repo, secureSigner(t, "new", "old"), web.SessionOptions{MaxAge: testMaxAge})

	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.AddCookie(signed(t, secureSigner(t, "old"), id))
	rec := httptest.NewRecorder()
	mw.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		web.SessionFromContext(r.Context()).Store("user", "bob")
	})).ServeHTTP(rec, req)

	c := sessionCookie(t, rec.Result())
	if c == nil {
		t.Fatal("no cookie after the change; the cookie signed with the old secret was not accepted")
	}
	if got, err := secureSigner(t, "new").Verify(c.Value); err != nil || got != id {
		t.Fatalf("new cookie: Verify with the new secret = %q, %v; want %q signed with the new secret", got, err, id)
	}
}

func TestSessionMiddlewareIgnoresForgedCookies(t *testing.T) {
	victim := domain.NewSessionID()
	repo := mocks.NewMockSessionRepository(gomock.NewController(t)) // a Load would fail the test
	mw := web.NewSessionMiddleware(repo, secureSigner(t, "secret"), web.SessionOptions{MaxAge: testMaxAge})
	for _, c := range []*http.Cookie{
		signed(t, secureSigner(t, "guessed"), victim),
		{Name: "flamingo", Value: victim},
		{Name: "flamingo", Value: "garbage"},
	} {
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		req.AddCookie(c)
		mw.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if s := web.SessionFromContext(r.Context()); !s.IsNew() || s.ID() == victim {
				t.Errorf("cookie %q: handler got session %q; want a fresh one", c.Value, s.ID())
			}
		})).ServeHTTP(httptest.NewRecorder(), req)
	}
}

// visitor is a browser with one cookie jar entry, talking to the middleware
// with the real memory repository and signer.
type visitor struct {
	t      *testing.T
	mw     *web.SessionMiddleware
	cookie *http.Cookie
}

func (v *visitor) do(h func(s *web.Session)) *http.Cookie {
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	if v.cookie != nil {
		req.AddCookie(v.cookie)
	}
	rec := httptest.NewRecorder()
	v.mw.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h(web.SessionFromContext(r.Context()))
	})).ServeHTTP(rec, req)
	c := sessionCookie(v.t, rec.Result())
	switch {
	case c != nil && c.MaxAge < 0:
		v.cookie = nil
	case c != nil:
		v.cookie = c
	}
	return c
}

func TestSessionMiddlewareLifecycleWithMemoryRepository(t *testing.T) {
	repo := memorystore.New(memorystore.Options{MaxAge: testMaxAge})
	t.Cleanup(func() { repo.Close() })
	mw := web.NewSessionMiddleware(repo, secureSigner(t, "secret"), web.SessionOptions{MaxAge: testMaxAge, Logger: slog.New(slog.DiscardHandler)})
	v := &visitor{t: t, mw: mw}

	if c := v.do(func(s *web.Session) { s.Values["n"] = 1 }); c == nil {
		t.Fatal("first change set no cookie")
	}
	if c := v.do(func(s *web.Session) { wantN(t, s, 1) }); c != nil {
		t.Fatalf("read-only request set cookie %v", c)
	}
	before := v.cookie
	v.do(func(s *web.Session) { wantN(t, s, 1); s.Regenerate(); s.Values["n"] = 2 })
	if v.cookie.Value == before.Value {
		t.Fatal("cookie unchanged after Regenerate")
	}
	stale := &visitor{t: t, mw: mw, cookie: before}
	stale.do(func(s *web.Session) { wantFresh(t, s, "old ID after Regenerate") })
	v.do(func(s *web.Session) { wantN(t, s, 2); s.Destroy() })
	if v.cookie != nil {
		t.Fatal("cookie not expired after Destroy")
	}
	if repo.Len() != 0 {
		t.Fatalf("%d sessions stored after Destroy; want 0", repo.Len())
	}
}

func wantN(t *testing.T, s *web.Session, n int) {
	t.Helper()
	if got := s.Try("n"); got != n {
		t.Fatalf("session value n = %v; want %d", got, n)
	}
}

func wantFresh(t *testing.T, s *web.Session, why string) {
	t.Helper()
	if !s.IsNew() || len(s.Keys()) != 0 {
		t.Fatalf("%s: want a fresh session, got one with keys %q", why, s.Keys())
	}
}
