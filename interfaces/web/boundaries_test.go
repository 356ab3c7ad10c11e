package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/golang/mock/gomock"

	"github.com/sessionauth/sessionauth/application"
	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/infrastructure/cookiesigner"
	"github.com/sessionauth/sessionauth/infrastructure/memorystore"
	"github.com/sessionauth/sessionauth/interfaces/web"
	"github.com/sessionauth/sessionauth/mocks"
)

// verifyingIDP is a broker that accepts every logout token.
type verifyingIDP struct{ domain.IdentityProvider }

func (verifyingIDP) VerifyLogoutToken(context.Context, string) (*domain.LogoutToken, error) {
	return &domain.LogoutToken{Subject: "u1", TokenID: "j1"}, nil
}

// A refused back-channel logout answers invalid_request (400, logged as a
// warning) for the provider's mistakes and server_error (5xx, logged as an
// error) for the application's.
func TestBackChannelRefusals(t *testing.T) {
	idp := mocks.NewMockIdentityProvider(gomock.NewController(t))
	m := application.NewAuthManager(map[string]domain.IdentityProvider{"plain": idp, "idp": verifyingIDP{idp}}, application.Options{})
	var log bytes.Buffer
	mux := http.NewServeMux()
	web.NewAuthController(m, web.AuthControllerOptions{Logger: slog.New(slog.NewTextHandler(&log, nil))}).Register(mux)
	tests := []struct {
		broker, token string
		status        int
		code, level   string
	}{
		{"plain", "t", http.StatusBadRequest, "invalid_request", "WARN"},
		{"idp", "", http.StatusBadRequest, "invalid_request", "WARN"},
		{"idp", "t", http.StatusNotImplemented, "server_error", "ERROR"},
	}
	for _, tc := range tests {
		log.Reset()
		req := httptest.NewRequest("POST", "/auth/backchannel/"+tc.broker, strings.NewReader(url.Values{"logout_token": {tc.token}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, req)
		var body map[string]string
		_ = json.Unmarshal(rec.Body.Bytes(), &body)
		if rec.Code != tc.status || body["error"] != tc.code || !strings.Contains(log.String(), "level="+tc.level) {
			t.Errorf("%s, token %q: %d %v, log %q; want %d, error %s, level %s", tc.broker, tc.token, rec.Code, body, log.String(), tc.status, tc.code, tc.level)
		}
	}
}

// A refused cross-origin request logs its origin, cut after 200
// characters.
func TestCrossOriginLogCutsLongOrigins(t *testing.T) {
	m := application.NewAuthManager(map[string]domain.IdentityProvider{}, application.Options{})
	var log bytes.Buffer
	mux := http.NewServeMux()
	web.NewAuthController(m, web.AuthControllerOptions{Logger: slog.New(slog.NewTextHandler(&log, nil))}).Register(mux)
	for _, n := range []int{200, 201} {
		log.Reset()
		origin := "https://" + strings.Repeat("e", n-len("https://"))
		req := httptest.NewRequest("POST", "/auth/logout", nil)
		req.Header.Set("Origin", origin)
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, req)
		cut := strings.Contains(log.String(), origin[:200]+"…")
		if rec.Code != http.StatusForbidden || cut != (n > 200) || !strings.Contains(log.String(), origin[:200]) {
			t.Errorf("origin of %d characters: %d, log %q; want 403 and the origin cut only beyond 200", n, rec.Code, log.String())
		}
	}
}

// The session cookie lives 30 days unless configured otherwise.
func TestSessionCookieDefaultMaxAge(t *testing.T) {
	repo := memorystore.New(memorystore.Options{MaxAge: time.Hour})
	t.Cleanup(func() { _ = repo.Close() })
	signer, err := cookiesigner.New("flamingo", []string{"0123456789abcdef0123456789abcdef"}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	h := web.NewSessionMiddleware(repo, signer, web.SessionOptions{}).Handler(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		web.SessionFromContext(r.Context()).Store("cart", "1")
	}))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	if c := rec.Result().Cookies(); len(c) != 1 || c[0].MaxAge != 30*24*60*60 {
		t.Errorf("cookies %v, want one with Max-Age 2592000", c)
	}
}

// With an absolute lifetime configured, a visitor who stores nothing still
// gets no session and no cookie.
func TestMaxLifetimeKeepsEmptySessionsUnsaved(t *testing.T) {
	repo := memorystore.New(memorystore.Options{MaxAge: time.Hour})
	t.Cleanup(func() { _ = repo.Close() })
	signer, err := cookiesigner.New("flamingo", []string{"0123456789abcdef0123456789abcdef"}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	h := web.NewSessionMiddleware(repo, signer, web.SessionOptions{MaxLifetime: time.Hour}).Handler(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	if c := rec.Result().Cookies(); len(c) != 0 || repo.Len() != 0 {
		t.Errorf("cookies %v, %d sessions stored; want none", c, repo.Len())
	}
}

// With one broker /auth/login goes to it; a provider that cannot be
// reached is logged as an error, a refused login as a warning.
func TestLoginWithOneBroker(t *testing.T) {
	idp := mocks.NewMockIdentityProvider(gomock.NewController(t))
	idp.EXPECT().AuthCodeURL(gomock.Any(), gomock.Any()).Return("https://idp.example/authorize", nil)
	idp.EXPECT().AuthCodeURL(gomock.Any(), gomock.Any()).Return("", domain.ErrProviderUnavailable)
	idp.EXPECT().AuthCodeURL(gomock.Any(), gomock.Any()).Return("", domain.ErrInvalidCredentials)
	m := application.NewAuthManager(map[string]domain.IdentityProvider{"idp": idp}, application.Options{})
	var log bytes.Buffer
	mux := http.NewServeMux()
	web.NewAuthController(m, web.AuthControllerOptions{Logger: slog.New(slog.NewTextHandler(&log, nil))}).Register(mux)
	s := domain.NewSession()
	for _, want := range []struct {
		status   int
		location string
		level    string
	}{{http.StatusSeeOther, "https://idp.example/authorize", ""}, {http.StatusBadGateway, "", "level=ERROR"}, {http.StatusBadRequest, "", "level=WARN"}} {
		log.Reset()
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, httptest.NewRequest("GET", "/auth/login", nil).WithContext(web.ContextWithSession(context.Background(), s)))
		if rec.Code != want.status || rec.Header().Get("Location") != want.location || !strings.Contains(log.String(), want.level) {
			t.Errorf("/auth/login: %d to %q, log %q; want %d to %q, %s", rec.Code, rec.Header().Get("Location"), log.String(), want.status, want.location, want.level)
		}
	}
}

// A handler that writes its 200 header itself still sends the session's
// cookie with it.
func TestExplicitOKHeaderCarriesTheCookie(t *testing.T) {
	repo := memorystore.New(memorystore.Options{MaxAge: time.Hour})
	t.Cleanup(func() { _ = repo.Close() })
	signer, err := cookiesigner.New("flamingo", []string{"0123456789abcdef0123456789abcdef"}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	h := web.NewSessionMiddleware(repo, signer, web.SessionOptions{}).Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		web.SessionFromContext(r.Context()).Store("cart", "1")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte("ok"))
	}))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	if c := rec.Result().Cookies(); len(c) != 1 || repo.Len() != 1 {
		t.Errorf("cookies %v, %d sessions stored; want the session saved and its cookie sent", c, repo.Len())
	}
}

// The sessions controller logs to the logger it is given, slog.Default()
// when none; served without SessionMiddleware it answers 500 and says so.
func TestUserSessionsControllerWithoutMiddleware(t *testing.T) {
	var log bytes.Buffer
	for _, logger := range []*slog.Logger{slog.New(slog.NewTextHandler(&log, nil)), nil} {
		mux := http.NewServeMux()
		web.NewUserSessionsController(application.NewUserSessions(memorystore.New(memorystore.Options{MaxAge: time.Hour})), logger).Register(mux)
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, httptest.NewRequest("GET", "/auth/sessions", nil))
		if rec.Code != http.StatusInternalServerError {
			t.Errorf("without SessionMiddleware: %d, want 500", rec.Code)
		}
	}
	if !strings.Contains(log.String(), "serve it behind SessionMiddleware") {
		t.Errorf("log %q, want the line that says what to do", log.String())
	}
}

// Values a handler stores after an interim 1xx response are saved with
// the final one.
func TestInterimResponseDoesNotSaveEarly(t *testing.T) {
	repo := memorystore.New(memorystore.Options{MaxAge: time.Hour})
	t.Cleanup(func() { _ = repo.Close() })
	signer, err := cookiesigner.New("flamingo", []string{"0123456789abcdef0123456789abcdef"}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	var id string
	srv := httptest.NewServer(web.NewSessionMiddleware(repo, signer, web.SessionOptions{}).Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := web.SessionFromContext(r.Context())
		s.Store("early", "1")
		w.WriteHeader(http.StatusContinue)
		s.Store("late", "2")
		id = s.ID()
		w.WriteHeader(http.StatusOK)
	})))
	t.Cleanup(srv.Close)
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	s, err := repo.Load(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := s.Load("late"); v != "2" {
		t.Errorf("stored after the interim response: %v, want 2 saved", v)
	}
}
