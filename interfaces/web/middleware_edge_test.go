package web_test

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/golang/mock/gomock"
	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/interfaces/web"
)

func TestSessionMiddlewareBackendFailureOnLoad(t *testing.T) {
	backendDown := errors.New("dial tcp: connection refused")
	t.Run("FailClosed answers 503", func(t *testing.T) {
		e := newEnv(t, web.SessionOptions{FailureMode: web.FailClosed})
		e.signer.EXPECT().Verify("cookie").Return("id", nil)
		e.repo.EXPECT().Load(gomock.Any(), "id").Return(nil, backendDown)
		rec := e.serve(func(w http.ResponseWriter, r *http.Request) {
			t.Error("handler called although the session could not be loaded")
		}, &http.Cookie{Name: "flamingo", Value: "cookie"})
		if rec.Code != http.StatusServiceUnavailable {
			t.Fatalf("status %d; want 503", rec.Code)
		}
		e.log.wantLine(t, "ERROR", "connection refused")
	})
	t.Run("ContinueFresh neither saves nor sets a cookie", func(t *testing.T) {
		e := newEnv(t, web.SessionOptions{FailureMode: web.ContinueFresh}) // a Save would fail the test
		e.signer.EXPECT().Verify("cookie").Return("id", nil)
		e.repo.EXPECT().Load(gomock.Any(), "id").Return(nil, backendDown)
		rec := e.serve(func(w http.ResponseWriter, r *http.Request) {
			s := web.SessionFromContext(r.Context())
			if s == nil || !s.IsNew() {
				t.Errorf("handler got %v; want a fresh session", s)
				return
			}
			s.Store("basket", "apple")
			_, _ = io.WriteString(w, "page")
		}, &http.Cookie{Name: "flamingo", Value: "cookie"})
		if rec.Code != http.StatusOK || rec.Body.String() != "page" || sessionCookie(t, rec.Result()) != nil {
			t.Fatalf("response %d %q cookie %v; want the page and no cookie", rec.Code, rec.Body, sessionCookie(t, rec.Result()))
		}
		e.log.wantLine(t, "ERROR", "connection refused")
		e.log.wantLine(t, "WARN", "changes discarded")
	})
}

func TestSessionMiddlewareWarnsAboutChangesAfterTheHeader(t *testing.T) {
	tests := []struct {
		name    string
		saveErr error
		late    func(s *web.Session)
		warn    bool
	}{
		{"value stored late", nil, func(s *web.Session) { s.Store("b", 2) }, true},
		{"destroyed late", nil, func(s *web.Session) { s.Destroy() }, true},
		{"regenerated late", nil, func(s *web.Session) { s.Regenerate() }, true},
		{"read late", nil, func(s *web.Session) { _ = s.Try("a") }, false},
		{"nothing late after a vanished session", fmt.Errorf("redis: %w", domain.ErrSessionNotFound), func(*web.Session) {}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, web.SessionOptions{})
			e.expectSave(tt.saveErr)
			if tt.saveErr == nil {
				e.expectSign()
			}
			e.serve(func(w http.ResponseWriter, r *http.Request) {
				s := web.SessionFromContext(r.Context())
				s.Store("a", 1)
				_, _ = io.WriteString(w, "streaming")
				tt.late(s) // the header, and the save, are done
			})
			const msg = "after the response header"
			if got := strings.Contains(e.log.String(), msg); got != tt.warn {
				t.Fatalf("warning %q logged: %v; want %v. Log:\n%s", msg, got, tt.warn, e.log)
			}
		})
	}
}

func TestSessionMiddlewareSavesNothingWhenTheHandlerPanics(t *testing.T) {
	e := newEnv(t, web.SessionOptions{}) // a Save would fail the test
	defer func() {
		if recover() == nil {
			t.Fatal("the handler's panic did not reach the caller")
		}
	}()
	e.serve(func(w http.ResponseWriter, r *http.Request) {
		web.SessionFromContext(r.Context()).Store("half", "done")
		panic("handler bug")
	})
}

func TestSessionMiddlewareDestroyingANewSessionExpiresTheCookieWithoutSaving(t *testing.T) {
	e := newEnv(t, web.SessionOptions{}) // a Save would fail the test
	rec := e.serve(func(w http.ResponseWriter, r *http.Request) {
		s := web.SessionFromContext(r.Context())
		s.Store("x", 1)
		s.Destroy()
	})
	checkCookie(t, sessionCookie(t, rec.Result()), "expired", "", "")
}
