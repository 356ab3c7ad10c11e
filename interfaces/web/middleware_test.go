package web_test

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/golang/mock/gomock"
	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/interfaces/web"
)

func TestSessionMiddlewareNewVisitorWithoutChangesCostsNothing(t *testing.T) {
	e := newEnv(t, web.SessionOptions{}) // any Load, Save or Sign fails the test
	var seen *web.Session
	rec := e.serve(func(w http.ResponseWriter, r *http.Request) {
		seen = web.SessionFromContext(r.Context())
		_, _ = seen.Load("anything")
		_, _ = io.WriteString(w, "hello")
	})
	if seen == nil || !seen.IsNew() {
		t.Fatalf("handler saw session %v; want a new one", seen)
	}
	if got := rec.Result().Header.Values("Set-Cookie"); len(got) != 0 {
		t.Fatalf("Set-Cookie = %q; want none for a session that stays empty", got)
	}
}

func TestSessionMiddlewareNewVisitorStoringIsSavedWithCookie(t *testing.T) {
	e := newEnv(t, web.SessionOptions{Secure: true, Domain: "example.com", SameSite: http.SameSiteStrictMode})
	e.expectSave(nil)
	e.expectSign()
	var id string
	rec := e.serve(func(w http.ResponseWriter, r *http.Request) {
		s := web.SessionFromContext(r.Context())
		s.Store("basket", "1 apple")
		id = s.ID()
	})
	c := sessionCookie(t, rec.Result())
	want := http.Cookie{Name: "flamingo", Value: "signed:" + id, Path: "/", Domain: "example.com", MaxAge: 3600,
		Secure: true, HttpOnly: true, SameSite: http.SameSiteStrictMode}
	if c == nil || c.Value != want.Value || c.Path != want.Path || c.Domain != want.Domain || c.MaxAge != want.MaxAge ||
		c.Secure != want.Secure || !c.HttpOnly || c.SameSite != want.SameSite {
		t.Fatalf("session cookie = %+v\nwant %+v", c, want)
	}
}

// TestSessionMiddlewareSavesBeforeTheHeader checks, inside the handler, that
// the first thing that writes the header has saved the session and set the
// cookie, and that nothing saves a second time.
func TestSessionMiddlewareSavesBeforeTheHeader(t *testing.T) {
	triggers := map[string]func(w http.ResponseWriter){
		"WriteHeader":              func(w http.ResponseWriter) { w.WriteHeader(http.StatusCreated) },
		"Write":                    func(w http.ResponseWriter) { _, _ = w.Write([]byte("x")) },
		"io.WriteString":           func(w http.ResponseWriter) { _, _ = io.WriteString(w, "x") },
		"Flush":                    func(w http.ResponseWriter) { w.(http.Flusher).Flush() },
		"ResponseController.Flush": func(w http.ResponseWriter) { _ = http.NewResponseController(w).Flush() },
	}
	for name, trigger := range triggers {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, web.SessionOptions{})
			e.expectSave(nil)
			e.expectSign()
			rec := e.serve(func(w http.ResponseWriter, r *http.Request) {
				web.SessionFromContext(r.Context()).Store("user", "alice")
				trigger(w)
				if n := e.saves.Load(); n != 1 {
					t.Errorf("after %s: %d saves; want the save done before the header", name, n)
				}
				_, _ = w.Write([]byte("more"))
			})
			if sessionCookie(t, rec.Result()) == nil {
				t.Fatal("no session cookie in the response header")
			}
		})
	}
}

func TestSessionMiddlewareSaveFailureReplacesTheResponse(t *testing.T) {
	tests := []struct {
		name       string
		err        error
		wantStatus int
	}{
		{"too large", fmt.Errorf("memory: %w", domain.ErrSessionTooLarge), http.StatusInternalServerError},
		{"not encodable", fmt.Errorf("key user: %w", domain.ErrValueNotEncodable), http.StatusInternalServerError},
		{"backend down", errors.New("dial tcp: connection refused"), http.StatusServiceUnavailable},
	}
	for _, tt := range tests {
		for _, writes := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s/handler writes %v", tt.name, writes), func(t *testing.T) {
				e := newEnv(t, web.SessionOptions{})
				e.expectSave(tt.err)
				var writeErr error
				rec := e.serve(func(w http.ResponseWriter, r *http.Request) {
					web.SessionFromContext(r.Context()).Store("user", "alice")
					w.Header().Set("Location", "/next")
					if writes {
						w.WriteHeader(http.StatusSeeOther)
						_, writeErr = w.Write([]byte("handler body"))
					}
				})
				resp := rec.Result()
				body, _ := io.ReadAll(resp.Body)
				if resp.StatusCode != tt.wantStatus || strings.Contains(string(body), "handler body") {
					t.Fatalf("response %d %q; want %d without the handler's body", resp.StatusCode, body, tt.wantStatus)
				}
				if resp.Header.Get("Location") != "" || sessionCookie(t, resp) != nil {
					t.Fatalf("headers %v; want neither the handler's Location nor a session cookie", resp.Header)
				}
				if writes && !errors.Is(writeErr, web.ErrSessionSaveFailed) {
					t.Fatalf("handler's Write after the failed save = %v; want ErrSessionSaveFailed", writeErr)
				}
				e.log.wantLine(t, "ERROR", tt.err.Error())
			})
		}
	}
}

func TestSessionMiddlewareVanishedSessionIsLoggedAndTheResponseGoesOn(t *testing.T) {
	e := newEnv(t, web.SessionOptions{})
	cookie := e.expectStored(stored(t, map[string]any{"n": 1}, testMaxAge))
	e.expectSave(fmt.Errorf("redis: %w", domain.ErrSessionNotFound))
	rec := e.serve(func(w http.ResponseWriter, r *http.Request) {
		web.SessionFromContext(r.Context()).Store("n", 2)
		w.WriteHeader(http.StatusAccepted)
		_, _ = io.WriteString(w, "handler body")
	}, cookie)
	if rec.Code != http.StatusAccepted || rec.Body.String() != "handler body" {
		t.Fatalf("response %d %q; want the handler's", rec.Code, rec.Body)
	}
	if c := sessionCookie(t, rec.Result()); c != nil {
		t.Fatalf("session cookie %v set; the client's cookie (maybe from a parallel login) must stay", c)
	}
	e.log.wantLine(t, "WARN", "session not found")
}

func TestSessionMiddlewareLoadedSession(t *testing.T) {
	tests := []struct {
		name      string
		expiresIn time.Duration
		handle    func(s *web.Session)
		save      bool
		cookie    string // "" none, "set", "expired", "new ID"
	}{
		{"read only", testMaxAge - time.Minute, func(s *web.Session) { _ = s.Try("user") }, false, ""},
		{"read only, expiry ran down by a tenth", testMaxAge * 8 / 10, func(s *web.Session) {}, true, "set"},
		{"changed", testMaxAge, func(s *web.Session) { s.Values["user"] = "bob" }, true, "set"},
		{"destroyed", testMaxAge, func(s *web.Session) { s.Destroy() }, true, "expired"},
		{"regenerated", testMaxAge, func(s *web.Session) { s.Regenerate() }, true, "new ID"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, web.SessionOptions{})
			s := stored(t, map[string]any{"user": "alice"}, tt.expiresIn)
			oldID := s.ID()
			cookie := e.expectStored(s)
			if tt.save {
				e.expectSave(nil)
			}
			if tt.cookie == "set" || tt.cookie == "new ID" {
				e.expectSign()
			}
			rec := e.serve(func(w http.ResponseWriter, r *http.Request) {
				if got := web.SessionFromContext(r.Context()); got != s {
					t.Errorf("handler got session %p; want the loaded %p", got, s)
				}
				tt.handle(s)
			}, cookie)
			checkCookie(t, sessionCookie(t, rec.Result()), tt.cookie, oldID, s.ID())
		})
	}
}

func checkCookie(t *testing.T, c *http.Cookie, want, oldID, newID string) {
	t.Helper()
	switch want {
	case "":
		if c != nil {
			t.Fatalf("session cookie %v set; want none", c)
		}
	case "set", "new ID":
		if c == nil || c.Value != "signed:"+newID || c.MaxAge != int(testMaxAge/time.Second) {
			t.Fatalf("session cookie %v; want signed:%s with Max-Age %d", c, newID, int(testMaxAge/time.Second))
		}
		if want == "new ID" && newID == oldID {
			t.Fatalf("session ID %q unchanged after Regenerate", newID)
		}
	case "expired":
		if c == nil || c.MaxAge >= 0 || c.Value != "" {
			t.Fatalf("session cookie %v; want it expired", c)
		}
	}
}

func TestSessionMiddlewareStartsFreshWithoutAUsableCookie(t *testing.T) {
	tests := []struct {
		name  string
		setup func(e *env) *http.Cookie
	}{
		{"forged or tampered cookie", func(e *env) *http.Cookie {
			e.signer.EXPECT().Verify("forged").Return("", fmt.Errorf("signer: %w", domain.ErrInvalidCookie))
			return &http.Cookie{Name: "flamingo", Value: "forged"}
		}},
		{"session gone", func(e *env) *http.Cookie {
			e.signer.EXPECT().Verify("old").Return("victim-id", nil)
			e.repo.EXPECT().Load(gomock.Any(), "victim-id").Return(nil, fmt.Errorf("memory: %w", domain.ErrSessionNotFound))
			return &http.Cookie{Name: "flamingo", Value: "old"}
		}},
		{"other cookies only", func(e *env) *http.Cookie {
			return &http.Cookie{Name: "tracking", Value: "x"}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, web.SessionOptions{})
			cookie := tt.setup(e)
			rec := e.serve(func(w http.ResponseWriter, r *http.Request) {
				s := web.SessionFromContext(r.Context())
				if s == nil || !s.IsNew() || len(s.Keys()) != 0 || s.ID() == "victim-id" {
					t.Errorf("handler got %v; want a fresh, empty session", s)
				}
			}, cookie)
			if rec.Code != http.StatusOK || sessionCookie(t, rec.Result()) != nil {
				t.Fatalf("response %d, cookie %v; want 200 and no cookie", rec.Code, sessionCookie(t, rec.Result()))
			}
		})
	}
}

func TestSessionMiddlewareTriesEverySessionCookie(t *testing.T) {
	e := newEnv(t, web.SessionOptions{})
	s := stored(t, map[string]any{"user": "alice"}, testMaxAge)
	e.signer.EXPECT().Verify("stale").Return("", domain.ErrInvalidCookie)
	e.signer.EXPECT().Verify("good").Return(s.ID(), nil)
	e.repo.EXPECT().Load(gomock.Any(), s.ID()).Return(s, nil)
	e.serve(func(w http.ResponseWriter, r *http.Request) {
		if got := web.SessionFromContext(r.Context()); got != s {
			t.Errorf("handler got %v; want the session of the cookie that verifies", got)
		}
	}, &http.Cookie{Name: "flamingo", Value: "stale"}, &http.Cookie{Name: "flamingo", Value: "good"})
}
