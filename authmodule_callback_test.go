package sessionauth_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"flamingo.me/dingo"

	"github.com/sessionauth/sessionauth"
	"github.com/sessionauth/sessionauth/internal/oidctest"
)

// TestBrokerWithoutRedirectURLStarts: a Flamingo user's broker entry with
// neither redirectURL nor core.auth.web.baseURL starts, and the login's
// callback URL comes from the request (behind a trusted proxy, from its
// X-Forwarded headers).
func TestBrokerWithoutRedirectURLStarts(t *testing.T) {
	p := oidctest.Start(t, oidctest.Options{})
	for _, tc := range []struct {
		name  string
		trust bool
		want  string
	}{
		{"from the request", false, "http://app.test/auth/callback/main"},
		{"from a trusted proxy", true, "https://shop.example/auth/callback/main"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewUnstartedServer(nil)
			instance(t, srv, map[string]any{
				"flamingo.session.secret": "s", "core.auth.web.trustForwardedHeaders": tc.trust,
				"core.auth.web.broker": []any{map[string]any{"broker": "main", "typ": "oidc", "endpoint": p.Issuer,
					"clientID": p.ClientID, "clientSecret": p.ClientSecret}},
			})
			req, _ := http.NewRequest("GET", srv.URL+"/auth/login/main", nil)
			req.Host = "app.test"
			req.Header.Set("X-Forwarded-Proto", "https")
			req.Header.Set("X-Forwarded-Host", "shop.example")
			resp, err := http.DefaultTransport.RoundTrip(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			loc, err := url.Parse(resp.Header.Get("Location"))
			if err != nil || resp.StatusCode != http.StatusSeeOther || loc.Query().Get("redirect_uri") != tc.want {
				t.Fatalf("%d to %q; want redirect_uri %s", resp.StatusCode, resp.Header.Get("Location"), tc.want)
			}
		})
	}
	if _, err := dingo.NewInjector(sessionauth.ConfigModule(map[string]any{"core.auth.web.broker": []any{map[string]any{
		"broker": "main", "typ": "oidc", "endpoint": p.Issuer, "clientID": "c"}}}), new(sessionauth.AuthModule)); err != nil {
		t.Fatalf("the seeds' broker entry: %v", err)
	}
}
