package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/sessionauth/sessionauth/infrastructure/oidcbroker"
)

// frontChannelURL is the front-channel logout URL the rogue provider
// frames, with the parameters given (an empty value is left out).
func frontChannelURL(a *rogueApp, iss, sid string) string {
	q := url.Values{}
	if iss != "" {
		q.Set("iss", iss)
	}
	if sid != "" {
		q.Set("sid", sid)
	}
	return a.srv.URL + "/auth/frontchannel/rogue?" + q.Encode()
}

// loggedInWithSid logs a new visitor in through the provider session sid.
func loggedInWithSid(t *testing.T, a *rogueApp, sid string) *browserVisitor {
	t.Helper()
	a.rogue.EditIDTokens(func(c map[string]any) { c["sid"] = sid })
	v := newBrowserVisitor(t)
	if code, body := a.logIn(v); code != http.StatusSeeOther {
		t.Fatalf("login with sid %s: %d %s", sid, code, body)
	}
	return v
}

func loggedIn(t *testing.T, a *rogueApp, v *browserVisitor) bool {
	t.Helper()
	code, _, _ := v.do("GET", a.srv.URL+"/account", nil)
	return code == http.StatusOK
}

// TestFrontChannelLogoutEndsTheProviderSession frames the front-channel URL
// as the provider's logout page does, from another site, so without the
// session cookie: every session of that sid ends, the others stay; the
// answer may be framed by the provider's origin alone and is not stored.
func TestFrontChannelLogoutEndsTheProviderSession(t *testing.T) {
	a := startRogueApp(t)
	first, again, other := loggedInWithSid(t, a, "sid-1"), loggedInWithSid(t, a, "sid-1"), loggedInWithSid(t, a, "sid-2")
	frame := newBrowserVisitor(t) // a third-party iframe: no cookie arrives
	code, _, body := frame.do("GET", frontChannelURL(a, a.rogue.Issuer, "sid-1"), nil)
	if code != http.StatusOK {
		t.Fatalf("front-channel logout: %d %s", code, body)
	}
	h := frame.lastHeader
	if got := h.Get("Content-Security-Policy"); got != "frame-ancestors "+a.rogue.Issuer {
		t.Errorf("Content-Security-Policy %q; want frame-ancestors of the provider's origin %s", got, a.rogue.Issuer)
	}
	if got := h.Get("Cache-Control"); got != "no-store" {
		t.Errorf("Cache-Control %q; want no-store", got)
	}
	if loggedIn(t, a, first) || loggedIn(t, a, again) {
		t.Fatal("a session of sid-1 is still logged in")
	}
	if !loggedIn(t, a, other) {
		t.Fatal("the session of sid-2 ended too")
	}
	if !strings.Contains(a.logs.String(), "front-channel logout") {
		t.Errorf("no log line of the front-channel logout:\n%s", a.logs)
	}
}

// TestFrontChannelLogoutOrigins: with frontChannelLogoutOrigins, the
// configured origins of the provider's logout pages, and they alone, may
// frame the answer, in place of the issuer's origin.
func TestFrontChannelLogoutOrigins(t *testing.T) {
	origins := []string{"https://login.microsoftonline.com", "https://login.shop.example"}
	a := startRogueAppWith(t, func(c *oidcbroker.Config) { c.FrontChannelLogoutOrigins = origins })
	loggedInWithSid(t, a, "sid-1")
	frame := newBrowserVisitor(t)
	code, _, body := frame.do("GET", frontChannelURL(a, a.rogue.Issuer, "sid-1"), nil)
	if code != http.StatusOK {
		t.Fatalf("front-channel logout: %d %s", code, body)
	}
	want := "frame-ancestors https://login.microsoftonline.com https://login.shop.example"
	if got := frame.lastHeader.Get("Content-Security-Policy"); got != want {
		t.Errorf("Content-Security-Policy %q; want %q, the configured origins in place of the issuer's", got, want)
	}
}

// TestFrontChannelLogoutOfTheBrowsersOwnSession: when the cookie arrives
// (the provider is same-site, or the cookie is SameSite=None), the
// session is destroyed and its cookie expired twice: as configured, and
// with SameSite=None; Secure, which a third-party iframe needs.
func TestFrontChannelLogoutOfTheBrowsersOwnSession(t *testing.T) {
	a := startRogueApp(t)
	v := loggedInWithSid(t, a, "sid-1")
	if code, _, body := v.do("GET", frontChannelURL(a, a.rogue.Issuer, "sid-1"), nil); code != http.StatusOK {
		t.Fatalf("front-channel logout: %d %s", code, body)
	}
	var crossSite bool
	for _, line := range v.lastHeader.Values("Set-Cookie") {
		c, err := http.ParseSetCookie(line)
		if err == nil && c.Name == "app" && c.MaxAge < 0 && c.SameSite == http.SameSiteNoneMode && c.Secure {
			crossSite = true
		}
	}
	if !crossSite {
		t.Errorf("Set-Cookie %q; want the session cookie expired with SameSite=None; Secure", v.lastHeader.Values("Set-Cookie"))
	}
	if loggedIn(t, a, v) {
		t.Fatal("still logged in after the front-channel logout of its own sid")
	}
}

// TestFrontChannelLogoutRefuses sends requests that must end nothing,
// from the logged-in browser itself: the session stays.
func TestFrontChannelLogoutRefuses(t *testing.T) {
	a := startRogueApp(t)
	v := loggedInWithSid(t, a, "sid-1")
	tests := []struct {
		name     string
		iss, sid string
		status   int
	}{
		{"wrong sid", a.rogue.Issuer, "sid-2", http.StatusOK},
		{"missing iss", "", "sid-1", http.StatusBadRequest},
		{"another issuer", "https://evil.example", "sid-1", http.StatusBadRequest},
		{"missing sid", a.rogue.Issuer, "", http.StatusBadRequest},
		{"neither", "", "", http.StatusBadRequest},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, body := v.do("GET", frontChannelURL(a, tc.iss, tc.sid), nil)
			if code != tc.status {
				t.Errorf("%d %s; want %d", code, body, tc.status)
			}
			if !loggedIn(t, a, v) {
				t.Fatal("the session ended")
			}
		})
	}
}

// TestFrontChannelLogoutWithoutSessionParameters: a provider that does not
// always send iss and sid may call the URL bare, which ends the session
// of the browser it runs in, and no other.
func TestFrontChannelLogoutWithoutSessionParameters(t *testing.T) {
	a := startRogueApp(t)
	a.rogue.FrontChannelSessionOptional()
	v, other := loggedInWithSid(t, a, "sid-1"), loggedInWithSid(t, a, "sid-2")
	stranger := newBrowserVisitor(t)
	if code, _, body := stranger.do("GET", frontChannelURL(a, "", ""), nil); code != http.StatusOK {
		t.Fatalf("bare front-channel logout without a session: %d %s", code, body)
	}
	if !loggedIn(t, a, v) || !loggedIn(t, a, other) {
		t.Fatal("a request without a cookie ended a session")
	}
	if code, _, body := v.do("GET", frontChannelURL(a, "", ""), nil); code != http.StatusOK {
		t.Fatalf("bare front-channel logout: %d %s", code, body)
	}
	if loggedIn(t, a, v) {
		t.Fatal("the browser's own session is still logged in")
	}
	if !loggedIn(t, a, other) {
		t.Fatal("another browser's session ended")
	}
	if code, _, _ := other.do("GET", frontChannelURL(a, "https://evil.example", ""), nil); code != http.StatusBadRequest || !loggedIn(t, a, other) {
		t.Fatalf("an iss of another issuer: %d; want 400 and the session kept", code)
	}
}

// TestFrontChannelLogoutNotEnabled: a broker without frontChannelLogout
// answers 404, may not be framed, and ends nothing.
func TestFrontChannelLogoutNotEnabled(t *testing.T) {
	a := startApp(t)
	v := newBrowserVisitor(t)
	v.logIn(a, "/account")
	code, _, _ := v.do("GET", a.srv.URL+"/auth/frontchannel/oidc?iss="+url.QueryEscape(a.provider.Issuer)+"&sid=x", nil)
	if code != http.StatusNotFound || v.lastHeader.Get("Content-Security-Policy") != "frame-ancestors 'none'" {
		t.Fatalf("%d, CSP %q; want 404 and frame-ancestors 'none'", code, v.lastHeader.Get("Content-Security-Policy"))
	}
	if code, _, _ := v.do("GET", a.srv.URL+"/account", nil); code != http.StatusOK {
		t.Fatalf("/account: %d; the session must stay", code)
	}
}
