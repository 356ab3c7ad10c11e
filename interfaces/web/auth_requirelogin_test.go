package web_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

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
