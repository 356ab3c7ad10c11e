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

	"github.com/golang/mock/gomock"

	"github.com/sessionauth/sessionauth/application"
	"github.com/sessionauth/sessionauth/domain"
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
