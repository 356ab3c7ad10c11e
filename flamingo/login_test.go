package sessionauthflamingo_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/sessionauth/sessionauth/internal/oidctest"
)

// loginConfig is the test application with sessionauth's login: zitadel's
// OpenID provider p as broker "oidc" (its callback registered as
// http://app.test/...) and a fake broker "dev".
func loginConfig(p *oidctest.Provider) map[string]any {
	c := baseConfig("memory")
	c["core"] = map[string]any{"auth": map[string]any{"web": map[string]any{
		"defaultBroker": "oidc",
		"tokenKey":      "flamingo test token key, 32 bytes or more", // every instance opens the tokens
		"broker": []any{
			map[string]any{"broker": "oidc", "typ": "oidc", "endpoint": p.Issuer, "clientID": p.ClientID,
				"clientSecret": p.ClientSecret, "redirectURL": p.RedirectURI, "scopes": []any{"profile", "email"}},
			map[string]any{"broker": "dev", "typ": "fake", "users": []any{
				map[string]any{"username": "ada", "password": "pw", "name": "Ada Lovelace"}}},
		},
	}}}
	return c
}

// TestFlamingoLogin logs in at zitadel's OpenID provider through
// sessionauth's routes in Flamingo's router and the seeds' controller in a
// Flamingo controller: the login keeps the session's data under a new
// session ID, the old ID stops working, Flamingo's own controllers see the
// login in *web.Session, and the logout ends the session.
func TestFlamingoLogin(t *testing.T) {
	p := oidctest.Start(t, oidctest.Options{})
	base := startFlamingo(t, loginConfig(p), login)
	c := browser(t)
	wantBody(t, c, base+"/", "1")
	before := cookie(t, c, base)

	status, _, loc := get(t, c, base+"/profile")
	if status != http.StatusSeeOther || loc != "/auth/login?redirecturl=%2Fprofile" {
		t.Fatalf("anonymous /profile: %d to %q, want the seeds' controller to send to the login", status, loc)
	}
	_, _, authURL := get(t, c, base+loc)
	if !strings.HasPrefix(authURL, p.Issuer) {
		t.Fatalf("/auth/login sent to %q, want the provider at %s", authURL, p.Issuer)
	}
	back, err := p.Login(context.Background(), p.Browser(), authURL, oidctest.DefaultUser.Username, oidctest.DefaultUser.Password)
	if err != nil {
		t.Fatal(err)
	}
	status, _, loc = get(t, c, base+back.RequestURI()) // the provider's redirect to the registered callback, sent to our application
	if status != http.StatusSeeOther || loc != "/profile" {
		t.Fatalf("callback: %d to %q, want /profile", status, loc)
	}
	if got := body(t, c, base+"/profile"); !strings.HasPrefix(got, oidctest.DefaultUser.ID+" ") {
		t.Fatalf("/profile after login: %q, want the ID token's subject %s", got, oidctest.DefaultUser.ID)
	}
	if after := cookie(t, c, base); after == before || after == "" {
		t.Fatalf("the session cookie did not change at login: %q", after)
	}
	wantBody(t, c, base+"/", "2") // the data survived the new session ID
	if keys := body(t, c, base+"/keys"); !strings.Contains(keys, "n") || len(strings.Fields(keys)) < 2 {
		t.Fatalf("Flamingo's *web.Session after login has keys %q, want the counter and the login", keys)
	}
	old := browser(t)
	old.Jar.SetCookies(mustURL(t, base), []*http.Cookie{{Name: "flamingo", Value: before}})
	wantBody(t, old, base+"/", "1") // the session before login is gone

	resp, err := c.PostForm(base+"/auth/logout", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("logout: %d", resp.StatusCode)
	}
	if left := cookie(t, c, base); left != "" {
		t.Fatalf("the session cookie is still set after logout: %q", left)
	}
	wantBody(t, c, base+"/", "1") // logout destroyed the session
	if status, _, _ := get(t, c, base+"/profile"); status != http.StatusSeeOther {
		t.Fatalf("/profile after logout: %d, want a redirect to the login", status)
	}
}

// TestFlamingoFakeLogin logs in with the fake broker's form, served by
// sessionauth's controller in Flamingo's router.
func TestFlamingoFakeLogin(t *testing.T) {
	p := oidctest.Start(t, oidctest.Options{})
	base := startFlamingo(t, loginConfig(p), login)
	c := browser(t)
	_, _, form := get(t, c, base+"/auth/login/dev?redirecturl=/profile")
	if status, page, _ := get(t, c, base+form); status != http.StatusOK || !strings.Contains(page, "password") {
		t.Fatalf("fake login form at %s: %d %q", form, status, page)
	}
	resp, err := c.PostForm(base+form, url.Values{"username": {"ada"}, "password": {"pw"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	_, _, profile := get(t, c, base+resp.Header.Get("Location"))
	if got := body(t, c, base+profile); !strings.HasPrefix(got, "ada Ada Lovelace ") {
		t.Fatalf("%s after the fake login: %q, want ada's subject and name", profile, got)
	}
}

func body(t testing.TB, c *http.Client, u string) string {
	t.Helper()
	_, b, _ := get(t, c, u)
	return b
}

func wantBody(t testing.TB, c *http.Client, u, want string) {
	t.Helper()
	if status, got, loc := get(t, c, u); got != want {
		t.Fatalf("GET %s: %d %q (Location %q), want %q", u, status, got, loc, want)
	}
}

func cookie(t testing.TB, c *http.Client, base string) string {
	t.Helper()
	for _, k := range c.Jar.Cookies(mustURL(t, base)) {
		if k.Name == "flamingo" {
			return k.Value
		}
	}
	return ""
}

func mustURL(t testing.TB, raw string) *url.URL {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
