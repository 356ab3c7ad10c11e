package sessionauthflamingo_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/sessionauth/sessionauth/internal/oidctest"
)

// TestFlamingoLoginOnCookieBackend logs in at zitadel's OpenID provider in
// a Flamingo application whose sessions live sealed in the browser's
// cookies (flamingo.session.repository: cookie): Flamingo's *web.Session
// keeps its counter across the login, the login holds, and the logout
// clears the cookies.
func TestFlamingoLoginOnCookieBackend(t *testing.T) {
	p := oidctest.Start(t, oidctest.Options{})
	cfg := loginConfig(p)
	session(cfg)["repository"] = "cookie"
	base := startFlamingo(t, cfg, login)
	c := browser(t)
	wantBody(t, c, base+"/", "1")
	if v := cookie(t, c, base); !strings.HasPrefix(v, "1.") {
		t.Fatalf("the session cookie %q is not a sealed session", v)
	}
	_, _, authURL := get(t, c, base+"/auth/login?redirecturl=%2Fprofile")
	back, err := p.Login(context.Background(), p.Browser(), authURL, oidctest.DefaultUser.Username, oidctest.DefaultUser.Password)
	if err != nil {
		t.Fatal(err)
	}
	if status, _, loc := get(t, c, base+back.RequestURI()); status != http.StatusSeeOther || loc != "/profile" {
		t.Fatalf("callback: %d to %q, want /profile", status, loc)
	}
	if got := body(t, c, base+"/profile"); !strings.HasPrefix(got, oidctest.DefaultUser.ID+" ") {
		t.Fatalf("/profile after login: %q, want the ID token's subject %s", got, oidctest.DefaultUser.ID)
	}
	wantBody(t, c, base+"/", "2")
	resp, err := c.PostForm(base+"/auth/logout", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if left := cookie(t, c, base); left != "" {
		t.Fatalf("the session cookie is still set after logout: %q", left)
	}
	if status, _, _ := get(t, c, base+"/profile"); status != http.StatusSeeOther {
		t.Fatalf("/profile after logout: %d, want a redirect to the login", status)
	}
}
