package sessionauthflamingo_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/sessionauth/sessionauth/internal/oidctest"
)

// TestFlamingoSwitchLogsOutCoreAuth: a visitor logged in at zitadel's
// provider through Flamingo's own core/auth, on Flamingo's Redis and file
// backends, keeps counter and cart across the switch to sessionauth with
// the migration setting, and is logged out cleanly: none of core/auth's
// keys come over.
func TestFlamingoSwitchLogsOutCoreAuth(t *testing.T) {
	for name, shopOf := range map[string]func(*testing.T) legacyShop{"redis": redisShop, "file": fileShop} {
		t.Run(name, func(t *testing.T) {
			shop := shopOf(t)
			p := oidctest.Start(t, oidctest.Options{RedirectURI: "http://app.test/core/auth/callback/oidc"})
			old := shop.old(true)
			old["flamingo"].(map[string]any)["router"] = map[string]any{"external": "http://app.test/"} // core/auth's callback URL
			old["core"] = map[string]any{"auth": map[string]any{"web": map[string]any{"broker": []any{map[string]any{
				"broker": "oidc", "typ": "oidc", "endpoint": p.Issuer, "clientID": p.ClientID, "clientSecret": p.ClientSecret,
				"enableOfflineToken": false, "enableEndSessionEndpoint": false}}}}}
			base := startFlamingo(t, old, flamingoAuth)
			c, _ := oldVisitor(t, base)
			coreAuthLogin(t, c, p, base)
			if keys := body(t, c, base+"/keys"); !strings.Contains(keys, "core.auth.oidc.oidc.sessiondata") {
				t.Fatalf("Flamingo's session after core/auth's login has keys %q, want core/auth's session data", keys)
			}

			base = startFlamingo(t, shop.ours(true), custom)
			if keys := body(t, c, base+"/keys"); keys != "cart n" {
				t.Fatalf("keys after the switch: %q, want the cart and the counter, nothing of core/auth", keys)
			}
			wantBody(t, c, base+"/", "3")
			wantBody(t, c, base+"/cart", "apple")
		})
	}
}

// coreAuthLogin logs in at p through Flamingo's core/auth at base.
func coreAuthLogin(t *testing.T, c *http.Client, p *oidctest.Provider, base string) {
	t.Helper()
	status, _, authURL := get(t, c, base+"/core/auth/login/oidc")
	if !strings.HasPrefix(authURL, p.Issuer) {
		t.Fatalf("core/auth's login: %d to %q, want the provider", status, authURL)
	}
	back, err := p.Login(context.Background(), p.Browser(), authURL, oidctest.DefaultUser.Username, oidctest.DefaultUser.Password)
	if err != nil {
		t.Fatal(err)
	}
	if status, body, _ := get(t, c, base+back.RequestURI()); status >= 400 {
		t.Fatalf("core/auth's callback: %d %s", status, body)
	}
}
