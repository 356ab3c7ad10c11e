package web_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/interfaces/web"
)

func TestRequireLogin(t *testing.T) {
	tests := []struct {
		name     string
		broker   string // "" for RequireLogin, else RequireLoginWith
		loggedIn bool
		noMW     bool // no session in the request
		method   string
		target   string
		code     int
		location string
	}{
		{"user reads", "", true, false, "GET", "/orders", 200, ""},
		{"user writes", "", true, false, "POST", "/orders", 200, ""},
		{"anonymous GET keeps path and query", "", false, false, "GET", "/orders?tab=open&page=2", 303, "/auth/login?redirecturl=%2Forders%3Ftab%3Dopen%26page%3D2"},
		{"anonymous HEAD", "", false, false, "HEAD", "/orders", 303, "/auth/login?redirecturl=%2Forders"},
		{"anonymous POST", "", false, false, "POST", "/orders", 401, ""},
		{"anonymous DELETE", "", false, false, "DELETE", "/orders/1", 401, ""},
		{"named broker", "corp", false, false, "GET", "/orders", 303, "/auth/login/corp?redirecturl=%2Forders"},
		{"without session middleware", "", false, true, "GET", "/orders", 303, "/auth/login?redirecturl=%2Forders"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := domain.NewSession()
			if tc.loggedIn {
				f := newAuthFixture(t, web.AuthControllerOptions{})
				f.logIn(t)
				s = f.session
			}
			reached := false
			next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { reached = true })
			h := web.RequireLogin(next)
			if tc.broker != "" {
				h = web.RequireLoginWith(tc.broker, next)
			}
			req := httptest.NewRequest(tc.method, tc.target, nil)
			if !tc.noMW {
				req = req.WithContext(web.ContextWithSession(req.Context(), s))
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != tc.code || rec.Header().Get("Location") != tc.location || reached != tc.loggedIn {
				t.Fatalf("%d to %q, handler reached %v; want %d to %q, reached %v",
					rec.Code, rec.Header().Get("Location"), reached, tc.code, tc.location, tc.loggedIn)
			}
		})
	}
}

func TestRequireLoginOptions(t *testing.T) {
	now := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	recent := web.RequireLoginOptions{MaxAge: 5 * time.Minute, Now: func() time.Time { return now }}
	gold := web.RequireLoginOptions{ACRValues: []string{"gold", "platinum"}, Now: recent.Now}
	forced := recent
	forced.PromptLogin = true
	tests := []struct {
		name     string
		opts     web.RequireLoginOptions
		identity *domain.Identity // nil: anonymous
		method   string
		code     int
		location string
	}{
		{"recent enough", recent, &domain.Identity{Broker: "corp", AuthTime: now.Add(-5 * time.Minute)}, "GET", 200, ""},
		{"too old: step-up with the login's broker", recent, &domain.Identity{Broker: "corp", AuthTime: now.Add(-time.Hour)}, "GET", 303, "/auth/login/corp?max_age=300&redirecturl=%2Fpay%3Fx%3D1"},
		{"no auth_time", recent, &domain.Identity{Broker: "corp"}, "HEAD", 303, "/auth/login/corp?max_age=300&redirecturl=%2Fpay%3Fx%3D1"},
		{"too old, POST", recent, &domain.Identity{Broker: "corp", AuthTime: now.Add(-time.Hour)}, "POST", 401, ""},
		{"anonymous: the login asks max_age at once", recent, nil, "GET", 303, "/auth/login?max_age=300&redirecturl=%2Fpay%3Fx%3D1"},
		{"strong enough", gold, &domain.Identity{Broker: "corp", ACR: "platinum"}, "GET", 200, ""},
		{"too weak", gold, &domain.Identity{Broker: "corp", ACR: "silver"}, "GET", 303, "/auth/login/corp?acr_values=gold+platinum&redirecturl=%2Fpay%3Fx%3D1"},
		{"step-up with prompt=login", forced, &domain.Identity{Broker: "corp", AuthTime: now.Add(-time.Hour)}, "GET", 303, "/auth/login/corp?max_age=300&prompt=login&redirecturl=%2Fpay%3Fx%3D1"},
		{"anonymous: no prompt=login", forced, nil, "GET", 303, "/auth/login?max_age=300&redirecturl=%2Fpay%3Fx%3D1"},
		{"values with spaces are several values", web.RequireLoginOptions{ACRValues: []string{"gold platinum"}, Now: recent.Now}, &domain.Identity{Broker: "corp", ACR: "gold"}, "GET", 200, ""},
		{"max age in whole seconds", web.RequireLoginOptions{MaxAge: 1500 * time.Millisecond, Now: recent.Now}, &domain.Identity{Broker: "corp"}, "GET", 303, "/auth/login/corp?max_age=2&redirecturl=%2Fpay%3Fx%3D1"},
		{"max age rounded up as sent", web.RequireLoginOptions{MaxAge: 1500 * time.Millisecond, Now: recent.Now}, &domain.Identity{Broker: "corp", AuthTime: now.Add(-2*time.Second - domain.AuthTimeLeeway)}, "GET", 200, ""},
		{"the route's broker", web.RequireLoginOptions{Broker: "other", MaxAge: time.Minute, Now: recent.Now}, &domain.Identity{Broker: "corp"}, "GET", 303, "/auth/login/other?max_age=60&redirecturl=%2Fpay%3Fx%3D1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := domain.NewSession()
			if tc.identity != nil {
				s.Store(domain.IdentityKey, *tc.identity)
			}
			reached := false
			h := web.RequireLoginWithOptions(tc.opts, http.HandlerFunc(func(http.ResponseWriter, *http.Request) { reached = true }))
			req := httptest.NewRequest(tc.method, "/pay?x=1", nil)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req.WithContext(web.ContextWithSession(req.Context(), s)))
			if rec.Code != tc.code || rec.Header().Get("Location") != tc.location || reached != (tc.code == 200) {
				t.Fatalf("%d to %q, handler reached %v; want %d to %q", rec.Code, rec.Header().Get("Location"), reached, tc.code, tc.location)
			}
		})
	}
}

// TestRequireLoginRefusalText: a POST says whether a login or a better
// one is missing.
func TestRequireLoginRefusalText(t *testing.T) {
	opts := web.RequireLoginOptions{MaxAge: time.Minute}
	for _, tc := range []struct {
		identity *domain.Identity
		want     string
	}{
		{nil, "login required\n"},
		{&domain.Identity{Broker: "corp"}, "a more recent or stronger login is required\n"},
	} {
		s := domain.NewSession()
		if tc.identity != nil {
			s.Store(domain.IdentityKey, *tc.identity)
		}
		req := httptest.NewRequest("POST", "/pay", nil)
		rec := httptest.NewRecorder()
		web.RequireLoginWithOptions(opts, http.NotFoundHandler()).ServeHTTP(rec, req.WithContext(web.ContextWithSession(req.Context(), s)))
		if rec.Code != http.StatusUnauthorized || rec.Body.String() != tc.want {
			t.Errorf("POST with identity %v: %d %q; want 401 %q", tc.identity, rec.Code, rec.Body.String(), tc.want)
		}
	}
}
