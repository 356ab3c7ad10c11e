package web_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/sessionauth/sessionauth/application"
	"github.com/sessionauth/sessionauth/infrastructure/oidcbroker"
	"github.com/sessionauth/sessionauth/internal/oidctest"
)

func formPost(c *oidcbroker.Config) { c.ResponseMode = "form_post" }

func startFormPostApp(t *testing.T) *app {
	return startAppWith(t, oidctest.Options{}, application.Options{}, formPost)
}

// providerFormPost starts a login in v and logs in at zitadel, which
// answers with its form_post page; it returns where that page posts and
// what.
func providerFormPost(t *testing.T, a *app, v *browserVisitor, returnPath string) (string, url.Values) {
	t.Helper()
	authURL := v.startLogin(a, "oidc", returnPath)
	if got := mustParseURL(t, authURL).Query().Get("response_mode"); got != "form_post" {
		t.Fatalf("response_mode %q in the authorization URL; want form_post", got)
	}
	action, fields, err := a.provider.LoginFormPost(context.Background(), a.provider.Browser(), authURL,
		oidctest.DefaultUser.Username, oidctest.DefaultUser.Password)
	if err != nil {
		t.Fatal(err)
	}
	if action != a.srv.URL+"/auth/callback/oidc" || fields.Get("code") == "" {
		t.Fatalf("the provider posts %v to %s; want a code to our callback", fields, action)
	}
	return action, fields
}

// postForm posts fields as a browser posts a form, with the headers of a
// request from site (cross-site or same-origin).
func (v *browserVisitor) postForm(u string, fields url.Values, site string) (int, string, string) {
	h := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}, "Sec-Fetch-Site": {site}}
	return v.send("POST", u, h, strings.NewReader(fields.Encode()))
}

var resubmitInput = regexp.MustCompile(`<input type="hidden" name="([^"]*)" value="([^"]*)">`)

// TestFormPostCallbackLogsIn: the provider's page posts the code; a
// browser whose session cookie came along is logged in at once.
func TestFormPostCallbackLogsIn(t *testing.T) {
	a := startFormPostApp(t)
	v := newBrowserVisitor(t)
	action, fields := providerFormPost(t, a, v, "/account")
	code, loc, body := v.postForm(action, fields, "cross-site")
	if code != http.StatusSeeOther || loc != "/account" {
		t.Fatalf("form_post callback: %d to %q %s; want a redirect to /account", code, loc, body)
	}
	if code, _, body := v.do("GET", a.srv.URL+"/account", nil); code != http.StatusOK || !strings.Contains(body, oidctest.DefaultUser.ID) {
		t.Fatalf("/account: %d %s", code, body)
	}
}

// TestFormPostCallbackWithoutTheCookie is the cross-site POST of a browser
// that holds a SameSite=Lax cookie and so does not send it: the answer is
// a page that posts the same fields again from our origin, sets no cookie
// and stores nothing; its resubmission, which carries the cookie, logs in.
func TestFormPostCallbackWithoutTheCookie(t *testing.T) {
	a := startFormPostApp(t)
	v := newBrowserVisitor(t)
	action, fields := providerFormPost(t, a, v, "/account")
	laxed := newBrowserVisitor(t) // the same browser, its Lax cookie held back
	code, _, body := laxed.postForm(action, fields, "cross-site")
	if code != http.StatusOK || !strings.Contains(body, `action="/auth/callback/oidc"`) {
		t.Fatalf("cross-site POST without the cookie: %d %s; want the resubmitting page", code, body)
	}
	h := laxed.lastHeader
	if h.Get("Set-Cookie") != "" || h.Get("Cache-Control") != "no-store" || !strings.Contains(h.Get("Content-Security-Policy"), "form-action 'self'") {
		t.Fatalf("resubmitting page's header %v; want no cookie, no-store and a CSP with form-action 'self'", h)
	}
	again := url.Values{}
	for _, m := range resubmitInput.FindAllStringSubmatch(body, -1) {
		again.Add(html.UnescapeString(m[1]), html.UnescapeString(m[2]))
	}
	if again.Get("code") != fields.Get("code") || again.Get("state") != fields.Get("state") {
		t.Fatalf("the page posts %v; want the provider's code and state", again)
	}
	if code, loc, body := v.postForm(a.srv.URL+"/auth/callback/oidc", again, "same-origin"); code != http.StatusSeeOther || loc != "/account" {
		t.Fatalf("same-site resubmission: %d to %q %s", code, loc, body)
	}
}

// TestFormPostCallbackChecks: a POSTed answer gets the checks of a GET:
// an unknown state, an iss of another issuer and a code redeemed with
// another login's PKCE verifier are refused, and nobody is logged in.
func TestFormPostCallbackChecks(t *testing.T) {
	a := startFormPostApp(t)
	tests := []struct {
		name   string
		edit   func(f url.Values, other url.Values)
		status int
	}{
		{"state mismatch", func(f, _ url.Values) { f.Set("state", "forged") }, http.StatusBadRequest},
		{"iss of another issuer", func(f, _ url.Values) { f.Set("iss", "https://evil.example") }, http.StatusBadRequest},
		{"code of another login", func(f, other url.Values) { f.Set("code", other.Get("code")) }, http.StatusUnauthorized},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := newBrowserVisitor(t)
			action, fields := providerFormPost(t, a, v, "/account")
			_, other := providerFormPost(t, a, newBrowserVisitor(t), "/")
			tc.edit(fields, other)
			fields.Set("sessionauth_resubmit", "1")
			code, _, body := v.postForm(action, fields, "same-origin")
			if code != tc.status {
				t.Fatalf("%d %s; want %d", code, body, tc.status)
			}
			if code, _, _ := v.do("GET", a.srv.URL+"/account", nil); code == http.StatusOK {
				t.Fatal("logged in after a refused callback")
			}
		})
	}
}
