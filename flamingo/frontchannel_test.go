package sessionauthflamingo_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/sessionauth/sessionauth/internal/oidctest"
)

// TestFlamingoFormPostAndFrontChannelLogout logs in at zitadel's provider
// with response_mode=form_post inside a Flamingo application, POSTing the
// provider's form to /auth/callback/oidc in Flamingo's router, then ends
// the session through /auth/frontchannel/oidc: framable by the provider's
// origin only, not stored, and the next request of the session is
// anonymous; /auth/loggedout refuses a state no logout of this browser
// sent.
func TestFlamingoFormPostAndFrontChannelLogout(t *testing.T) {
	p := oidctest.Start(t, oidctest.Options{})
	cfg := loginConfig(p)
	web := cfg["core"].(map[string]any)["auth"].(map[string]any)["web"].(map[string]any)
	oidc := web["broker"].([]any)[0].(map[string]any)
	oidc["responseMode"], oidc["frontChannelLogout"] = "form_post", true
	base := startFlamingo(t, cfg, login)
	c := browser(t)
	_, _, authURL := get(t, c, base+"/auth/login/oidc?redirecturl=/profile")
	action, fields, err := p.LoginFormPost(context.Background(), p.Browser(), authURL, oidctest.DefaultUser.Username, oidctest.DefaultUser.Password)
	if err != nil {
		t.Fatal(err)
	}
	to, err := url.Parse(action)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.PostForm(base+to.Path, fields)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/profile" {
		t.Fatalf("form_post callback: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if got := body(t, c, base+"/profile"); !strings.HasPrefix(got, oidctest.DefaultUser.ID+" ") {
		t.Fatalf("/profile after login: %q", got)
	}
	resp, err = c.Get(base + "/auth/frontchannel/oidc?iss=" + url.QueryEscape(p.Issuer))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Cache-Control") != "no-store" ||
		resp.Header.Get("Content-Security-Policy") != "frame-ancestors "+p.Issuer {
		t.Fatalf("front-channel logout: %d, Cache-Control %q, CSP %q", resp.StatusCode, resp.Header.Get("Cache-Control"), resp.Header.Get("Content-Security-Policy"))
	}
	if status, _, _ := get(t, c, base+"/profile"); status != http.StatusSeeOther {
		t.Fatalf("/profile after the front-channel logout: %d, want a redirect to the login", status)
	}
	// the logout return is served too: without a logout of this browser
	// under way, a state is refused
	if status, page, _ := get(t, c, base+"/auth/loggedout?state=forged"); status != http.StatusBadRequest || !strings.Contains(page, "Logout not recognised") {
		t.Fatalf("/auth/loggedout with a forged state: %d %s", status, page)
	}
}
