package sessionauthflamingo_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/sessionauth/sessionauth/internal/oidctest"
)

// TestFlamingoCallbackURLFromRouter: a broker without redirectURL, in an
// application without core.auth.web.baseURL, starts, and its logins send
// the callback URL of Flamingo's reverse router: flamingo.router.scheme and
// host when set, the request's scheme and host otherwise.
func TestFlamingoCallbackURLFromRouter(t *testing.T) {
	p := oidctest.Start(t, oidctest.Options{})
	for _, tc := range []struct {
		name   string
		router map[string]any
		want   func(base string) string
	}{
		{"from the request", nil, func(base string) string { return base + "/auth/callback/oidc" }},
		{"from flamingo.router", map[string]any{"scheme": "https", "host": "shop.example"},
			func(string) string { return "https://shop.example/auth/callback/oidc" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := loginConfig(p)
			oidc := cfg["core"].(map[string]any)["auth"].(map[string]any)["web"].(map[string]any)["broker"].([]any)[0].(map[string]any)
			delete(oidc, "redirectURL")
			if tc.router != nil {
				cfg["flamingo"].(map[string]any)["router"] = tc.router
			}
			base := startFlamingo(t, cfg, login)
			status, _, authURL := get(t, browser(t), base+"/auth/login/oidc")
			if status != http.StatusSeeOther || !strings.HasPrefix(authURL, p.Issuer) {
				t.Fatalf("/auth/login/oidc: %d to %q", status, authURL)
			}
			if got := mustURL(t, authURL).Query().Get("redirect_uri"); got != tc.want(base) {
				t.Fatalf("redirect_uri = %q, want %q", got, tc.want(base))
			}
		})
	}
}
