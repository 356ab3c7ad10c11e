package web_test

import (
	"context"
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/golang/mock/gomock"

	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/interfaces/web"
)

// TestCallbackURLFromRequest: without a base URL the callback URL a login
// hands the broker comes from the request; forwarded headers count only
// when trusted, and only when well-formed; a configured base URL or
// CallbackURL function wins.
func TestCallbackURLFromRequest(t *testing.T) {
	forwarded := http.Header{"X-Forwarded-Proto": {"https, http"}, "X-Forwarded-Host": {"shop.example, proxy.internal"}}
	tests := []struct {
		name   string
		opts   web.AuthControllerOptions
		tls    bool
		header http.Header
		want   string
	}{
		{"host of the request", web.AuthControllerOptions{}, false, nil, "http://app.test/auth/callback/idp"},
		{"https over TLS", web.AuthControllerOptions{}, true, nil, "https://app.test/auth/callback/idp"},
		{"forwarded headers not trusted", web.AuthControllerOptions{}, false, forwarded, "http://app.test/auth/callback/idp"},
		{"forwarded headers trusted", web.AuthControllerOptions{TrustForwardedHeaders: true}, false, forwarded, "https://shop.example/auth/callback/idp"},
		{"malformed forwarded host", web.AuthControllerOptions{TrustForwardedHeaders: true}, false,
			http.Header{"X-Forwarded-Host": {"evil.example/path@x"}, "X-Forwarded-Proto": {"javascript"}}, "http://app.test/auth/callback/idp"},
		{"base URL wins", web.AuthControllerOptions{BaseURL: "https://configured.example/", TrustForwardedHeaders: true}, false, forwarded,
			"https://configured.example/auth/callback/idp"},
		{"callback function wins", web.AuthControllerOptions{BaseURL: "https://configured.example",
			CallbackURL: func(r *http.Request, broker string) string { return "https://router.example/cb/" + broker }}, false, nil,
			"https://router.example/cb/idp"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newAuthFixture(t, tc.opts)
			var got string
			f.idp.EXPECT().AuthCodeURL(gomock.Any(), gomock.Any()).DoAndReturn(func(ctx context.Context, _ domain.AuthCodeRequest) (string, error) {
				got = domain.CallbackURLFromContext(ctx)
				return "https://idp.example/authorize", nil
			})
			req := httptest.NewRequest("GET", "http://app.test/auth/login/idp", nil)
			if tc.tls {
				req.TLS = &tls.ConnectionState{}
			}
			for k, v := range tc.header {
				req.Header[k] = v
			}
			rec := httptest.NewRecorder()
			f.handler.ServeHTTP(rec, req)
			if rec.Code != http.StatusSeeOther || got != tc.want {
				t.Fatalf("%d, callback URL %q; want %q", rec.Code, got, tc.want)
			}
		})
	}
}
