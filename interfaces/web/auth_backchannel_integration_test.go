package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/sessionauth/sessionauth/internal/oidctest"
)

const backChannelEvent = "http://schemas.openid.net/event/backchannel-logout"

// postLogout posts a logout token to the app's back-channel endpoint as a
// provider does: no cookies, a form body.
func postLogout(t *testing.T, base, broker, token string) (int, http.Header, string) {
	t.Helper()
	v := newBrowserVisitor(t)
	h := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}
	code, _, body := v.send("POST", base+"/auth/backchannel/"+broker, h, strings.NewReader(url.Values{"logout_token": {token}}.Encode()))
	return code, v.lastHeader, body
}

// logoutClaims are the claims of a well-formed logout token of the rogue
// provider for sid (and its subject).
func logoutClaims(r *oidctest.Rogue, sid, jti string) map[string]any {
	now := time.Now()
	c := map[string]any{"iss": r.Issuer, "aud": r.ClientID, "iat": now.Unix(), "exp": now.Add(2 * time.Minute).Unix(),
		"jti": jti, "sub": oidctest.RogueSubject, "events": map[string]any{backChannelEvent: map[string]any{}}}
	if sid != "" {
		c["sid"] = sid
	}
	return c
}

// TestBackChannelLogoutRefusesBadTokens posts logout tokens that must not
// end anything: each gets 400 with Cache-Control: no-store, and the session
// they name stays logged in.
func TestBackChannelLogoutRefusesBadTokens(t *testing.T) {
	a := startRogueApp(t)
	a.rogue.EditIDTokens(func(c map[string]any) { c["sid"] = "sid-1" })
	v := newBrowserVisitor(t)
	if code, body := a.logIn(v); code != http.StatusSeeOther {
		t.Fatalf("login: %d %s", code, body)
	}
	signed := func(edit func(c map[string]any)) func(t *testing.T) string {
		return func(t *testing.T) string {
			c := logoutClaims(a.rogue, "sid-1", "jti-"+t.Name())
			edit(c)
			return a.rogue.SignLogout(t, c)
		}
	}
	tests := []struct {
		name  string
		token func(t *testing.T) string
	}{
		{"no events", signed(func(c map[string]any) { delete(c, "events") })},
		{"another event", signed(func(c map[string]any) { c["events"] = map[string]any{"http://example.test/other": map[string]any{}} })},
		{"event not an object", signed(func(c map[string]any) { c["events"] = map[string]any{backChannelEvent: "yes"} })},
		{"nonce", signed(func(c map[string]any) { c["nonce"] = "n" })},
		{"no jti", signed(func(c map[string]any) { delete(c, "jti") })},
		{"no sub and no sid", signed(func(c map[string]any) { delete(c, "sub"); delete(c, "sid") })},
		{"no iat", signed(func(c map[string]any) { delete(c, "iat") })},
		{"iat in the future", signed(func(c map[string]any) { c["iat"] = time.Now().Add(time.Hour).Unix() })},
		{"expired", signed(func(c map[string]any) { c["exp"] = time.Now().Add(-time.Minute).Unix() })},
		{"another audience", signed(func(c map[string]any) { c["aud"] = "another-client" })},
		{"another issuer", signed(func(c map[string]any) { c["iss"] = "https://evil.example" })},
		{"unknown key", func(t *testing.T) string {
			return a.rogue.SignStranger(t, logoutClaims(a.rogue, "sid-1", "jti-stranger"))
		}},
		{"not a JWT", func(*testing.T) string { return "not-a-token" }},
		{"empty", func(*testing.T) string { return "" }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, h, body := postLogout(t, a.srv.URL, "rogue", tc.token(t))
			if code != http.StatusBadRequest || h.Get("Cache-Control") != "no-store" {
				t.Fatalf("%d, Cache-Control %q, %s; want 400 and no-store", code, h.Get("Cache-Control"), body)
			}
			if code, _, _ := v.do("GET", a.srv.URL+"/account", nil); code != http.StatusOK {
				t.Fatalf("/account after a refused logout token: %d; the session must stay", code)
			}
		})
	}
	t.Run("replayed jti", func(t *testing.T) {
		other := a.rogue.SignLogout(t, logoutClaims(a.rogue, "sid-of-nobody", "jti-once"))
		if code, _, body := postLogout(t, a.srv.URL, "rogue", other); code != http.StatusOK {
			t.Fatalf("first delivery: %d %s", code, body)
		}
		if code, _, body := postLogout(t, a.srv.URL, "rogue", other); code != http.StatusBadRequest {
			t.Fatalf("replay: %d %s; want 400", code, body)
		}
		if !strings.Contains(a.logs.String(), "jti used before") {
			t.Fatalf("no log line names the replay:\n%s", a.logs)
		}
	})
}

// TestBackChannelLogoutEndsSessions ends sessions by sid, and by sub when
// the token has no sid: 200, no-store, and the next request is anonymous.
func TestBackChannelLogoutEndsSessions(t *testing.T) {
	a := startRogueApp(t)
	a.rogue.EditIDTokens(func(c map[string]any) { c["sid"] = "sid-1" })
	bySid, other := newBrowserVisitor(t), newBrowserVisitor(t)
	a.logIn(bySid)
	a.rogue.EditIDTokens(func(c map[string]any) { c["sid"] = "sid-2" })
	a.logIn(other)
	code, h, body := postLogout(t, a.srv.URL, "rogue", a.rogue.SignLogout(t, logoutClaims(a.rogue, "sid-1", "jti-1")))
	if code != http.StatusOK || h.Get("Cache-Control") != "no-store" {
		t.Fatalf("%d, Cache-Control %q, %s; want 200 and no-store", code, h.Get("Cache-Control"), body)
	}
	if code, _, _ := bySid.do("GET", a.srv.URL+"/account", nil); code != http.StatusSeeOther {
		t.Fatalf("/account of the session of sid-1: %d; want the login redirect", code)
	}
	if code, _, _ := other.do("GET", a.srv.URL+"/account", nil); code != http.StatusOK {
		t.Fatalf("/account of the session of sid-2: %d; it must stay", code)
	}
	bySub := logoutClaims(a.rogue, "", "jti-2")
	if code, _, body := postLogout(t, a.srv.URL, "rogue", a.rogue.SignLogout(t, bySub)); code != http.StatusOK {
		t.Fatalf("logout by sub: %d %s", code, body)
	}
	if code, _, _ := other.do("GET", a.srv.URL+"/account", nil); code != http.StatusSeeOther {
		t.Fatalf("/account after the logout of its subject: %d; want the login redirect", code)
	}
}
