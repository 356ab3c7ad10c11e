package web_test

import (
	"context"
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

// controllerMux serves the auth routes over a mocked broker "idp"; every
// request gets the given session.
func controllerMux(t *testing.T, s *web.Session, opts web.AuthControllerOptions) (*mocks.MockIdentityProvider, http.Handler) {
	broker := mocks.NewMockIdentityProvider(gomock.NewController(t))
	m := application.NewAuthManager(map[string]domain.IdentityProvider{"idp": broker}, application.Options{})
	mux := http.NewServeMux()
	web.NewAuthController(m, opts).Register(mux)
	return broker, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mux.ServeHTTP(w, r.WithContext(web.ContextWithSession(r.Context(), s)))
	})
}

func TestLoginReturnPathIsSanitised(t *testing.T) {
	tests := []struct{ redirect, want string }{
		{"/account?x=1", "/account?x=1"},
		{"//evil.example", "/"},
		{`/\evil.example`, "/"},
		{"https://evil.example/", "/"},
		{"javascript:alert(1)", "/"},
		{"%2F%2Fevil.example", "/"},
		{"/%2F%2Fevil.example", "/"},
	}
	for _, tc := range tests {
		t.Run(tc.redirect, func(t *testing.T) {
			s := domain.NewSession()
			broker, h := controllerMux(t, s, web.AuthControllerOptions{})
			var state string
			broker.EXPECT().AuthCodeURL(gomock.Any(), gomock.Any()).DoAndReturn(func(_ context.Context, req domain.AuthCodeRequest) (string, error) {
				state = req.State
				return "https://idp.example/authorize", nil
			})
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest("GET", "/auth/login?redirecturl="+url.QueryEscape(tc.redirect), nil))
			if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "https://idp.example/authorize" {
				t.Fatalf("login: %d %q", rec.Code, rec.Header().Get("Location"))
			}
			// The provider comes back with an error: the page links back, and
			// the stored return path is what a successful login would use.
			broker.EXPECT().CheckIssuer(gomock.Any(), gomock.Any()).Return(nil).AnyTimes()
			broker.EXPECT().Exchange(gomock.Any(), "c", gomock.Any(), gomock.Any()).Return(&domain.Identity{Broker: "idp", Subject: "u"}, nil)
			rec = httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest("GET", "/auth/callback/idp?code=c&state="+url.QueryEscape(state), nil))
			if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != tc.want {
				t.Fatalf("callback: %d to %q, want %q", rec.Code, rec.Header().Get("Location"), tc.want)
			}
		})
	}
}

func TestAuthControllerErrors(t *testing.T) {
	var handled error
	custom := web.AuthErrorHandlerFunc(func(w http.ResponseWriter, r *http.Request, err error) {
		handled = err
		w.WriteHeader(http.StatusTeapot)
	})
	tests := []struct {
		name string
		opts web.AuthControllerOptions
		req  *http.Request
		code int
		body string
	}{
		{"unknown broker", web.AuthControllerOptions{}, httptest.NewRequest("GET", "/auth/login/nope", nil), http.StatusNotFound, "Unknown login"},
		{"unknown state", web.AuthControllerOptions{}, httptest.NewRequest("GET", "/auth/callback/idp?state=x&code=y", nil), http.StatusBadRequest, "Start again"},
		{"replaced error page", web.AuthControllerOptions{ErrorHandler: custom}, httptest.NewRequest("GET", "/auth/callback/idp?state=x", nil), http.StatusTeapot, ""},
		{"cross-site logout", web.AuthControllerOptions{}, withHeader(httptest.NewRequest("POST", "/auth/logout", nil), "Sec-Fetch-Site", "cross-site"), http.StatusForbidden, ""},
		{"logout of nobody", web.AuthControllerOptions{PostLogoutRedirect: "/bye"}, httptest.NewRequest("POST", "/auth/logout", nil), http.StatusSeeOther, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := domain.NewSession()
			_, h := controllerMux(t, s, tc.opts)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, tc.req)
			if rec.Code != tc.code || !strings.Contains(strings.ToLower(rec.Body.String()), strings.ToLower(tc.body)) {
				t.Fatalf("%d %s; want %d with %q", rec.Code, rec.Body, tc.code, tc.body)
			}
		})
	}
	if handled == nil {
		t.Fatal("the replaced error handler was not called")
	}
}

func TestRequireLoginRejectsAnonymousWrites(t *testing.T) {
	h := web.RequireLoginWith("corp", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { t.Fatal("reached") }))
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("POST", "/orders", nil)
	h.ServeHTTP(rec, req.WithContext(web.ContextWithSession(req.Context(), domain.NewSession())))
	if rec.Code != http.StatusUnauthorized {
		t.Fatalf("anonymous POST: %d, want 401", rec.Code)
	}
	rec = httptest.NewRecorder()
	req = httptest.NewRequest("GET", "/orders", nil)
	h.ServeHTTP(rec, req.WithContext(web.ContextWithSession(req.Context(), domain.NewSession())))
	if loc := rec.Header().Get("Location"); loc != "/auth/login/corp?redirecturl=%2Forders" {
		t.Fatalf("anonymous GET redirected to %q", loc)
	}
}

func withHeader(r *http.Request, k, v string) *http.Request {
	r.Header.Set(k, v)
	return r
}
