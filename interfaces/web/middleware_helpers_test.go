package web_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang/mock/gomock"
	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/interfaces/web"
	"github.com/sessionauth/sessionauth/mocks"
)

const testMaxAge = time.Hour

// env is a middleware over mocked ports, with its log captured.
type env struct {
	repo   *mocks.MockSessionRepository
	signer *mocks.MockCookieSigner
	mw     *web.SessionMiddleware
	log    *logBuffer
	saves  atomic.Int32 // calls of the Save expected with expectSave
}

func newEnv(t *testing.T, opts web.SessionOptions) *env {
	ctrl := gomock.NewController(t)
	e := &env{repo: mocks.NewMockSessionRepository(ctrl), signer: mocks.NewMockCookieSigner(ctrl), log: &logBuffer{}}
	if opts.MaxAge == 0 {
		opts.MaxAge = testMaxAge
	}
	opts.Logger = slog.New(slog.NewTextHandler(e.log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	e.mw = web.NewSessionMiddleware(e.repo, e.signer, opts)
	return e
}

// serve runs one request through the middleware around h.
func (e *env) serve(h http.HandlerFunc, cookies ...*http.Cookie) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodGet, "/page", nil)
	for _, c := range cookies {
		req.AddCookie(c)
	}
	rec := httptest.NewRecorder()
	e.mw.Handler(h).ServeHTTP(rec, req)
	return rec
}

// expectSave expects one Save that behaves like a repository: it records
// the session as saved (so Regenerate yields a new ID), or fails with err.
func (e *env) expectSave(err error) *gomock.Call {
	return e.repo.EXPECT().Save(gomock.Any(), gomock.Any()).DoAndReturn(func(_ context.Context, s *domain.Session) error {
		e.saves.Add(1)
		if err != nil {
			return err
		}
		c, cerr := s.Changes(0)
		if cerr != nil {
			return cerr
		}
		s.Saved(c, time.Now().Add(testMaxAge))
		return nil
	}).Times(1)
}

// expectSign expects the cookie for the session's ID after a save and
// signs it as "signed:<id>".
func (e *env) expectSign() *gomock.Call {
	return e.signer.EXPECT().Sign(gomock.Any()).DoAndReturn(func(id string) (string, error) {
		return "signed:" + id, nil
	}).Times(1)
}

// expectStored makes the cookie value "cookie" name the stored session s.
func (e *env) expectStored(s *domain.Session) *http.Cookie {
	e.signer.EXPECT().Verify("cookie").Return(s.ID(), nil)
	e.repo.EXPECT().Load(gomock.Any(), s.ID()).Return(s, nil)
	return &http.Cookie{Name: "flamingo", Value: "cookie"}
}

// stored builds a session as a repository's Load returns it, expiring in
// expiresIn.
func stored(t *testing.T, values map[string]any, expiresIn time.Duration) *domain.Session {
	t.Helper()
	data := make(map[string][]byte, len(values))
	for k, v := range values {
		b, err := domain.EncodeValue(v)
		if err != nil {
			t.Fatal(err)
		}
		data[k] = b
	}
	return domain.RestoreSession(domain.NewSessionID(), data, time.Now().Add(expiresIn))
}

// sessionCookie returns the session cookie the response sets, or nil.
func sessionCookie(t *testing.T, resp *http.Response) *http.Cookie {
	t.Helper()
	var found *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name != "flamingo" {
			continue
		}
		if found != nil {
			t.Fatalf("two session cookies set: %v and %v", found, c)
		}
		found = c
	}
	return found
}

// logBuffer collects log output from any goroutine.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func (b *logBuffer) wantLine(t *testing.T, level string, parts ...string) {
	t.Helper()
	for _, line := range strings.Split(b.String(), "\n") {
		if !strings.Contains(line, "level="+level) {
			continue
		}
		matched := true
		for _, p := range parts {
			matched = matched && strings.Contains(line, p)
		}
		if matched {
			return
		}
	}
	t.Fatalf("no %s log line containing %q; log:\n%s", level, parts, b.String())
}
