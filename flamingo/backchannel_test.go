package sessionauthflamingo_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/sessionauth/sessionauth/internal/oidctest"
)

// TestFlamingoBackChannelLogout logs in at zitadel's provider inside a
// Flamingo application and posts a logout token signed with the provider's
// key to /auth/backchannel/oidc in Flamingo's router: 200 with no-store,
// and the next request of the session is anonymous; the replay is 400.
func TestFlamingoBackChannelLogout(t *testing.T) {
	p := oidctest.Start(t, oidctest.Options{})
	base := startFlamingo(t, loginConfig(p), login)
	c := browser(t)
	_, _, authURL := get(t, c, base+"/auth/login/oidc?redirecturl=/profile")
	back, err := p.Login(context.Background(), p.Browser(), authURL, oidctest.DefaultUser.Username, oidctest.DefaultUser.Password)
	if err != nil {
		t.Fatal(err)
	}
	if status, _, loc := get(t, c, base+back.RequestURI()); status != http.StatusSeeOther || loc != "/profile" {
		t.Fatalf("callback: %d to %q", status, loc)
	}
	if got := body(t, c, base+"/profile"); !strings.HasPrefix(got, oidctest.DefaultUser.ID+" ") {
		t.Fatalf("/profile after login: %q", got)
	}
	token, err := p.LogoutToken(oidctest.DefaultUser.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	post := func() *http.Response {
		resp, err := http.PostForm(base+"/auth/backchannel/oidc", url.Values{"logout_token": {token}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	if resp := post(); resp.StatusCode != http.StatusOK || resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("back-channel logout: %d, Cache-Control %q", resp.StatusCode, resp.Header.Get("Cache-Control"))
	}
	if status, _, _ := get(t, c, base+"/profile"); status != http.StatusSeeOther {
		t.Fatalf("/profile after the back-channel logout: %d, want a redirect to the login", status)
	}
	if resp := post(); resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("replayed logout token: %d, want 400", resp.StatusCode)
	}
}
