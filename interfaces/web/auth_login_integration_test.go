package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/sessionauth/sessionauth/application"
	"github.com/sessionauth/sessionauth/internal/oidctest"
)

// TestLoginWithOpenIDProvider follows every redirect by hand: a protected
// page sends the anonymous visitor to the login, the login to zitadel's
// form, zitadel back to our callback, the callback to the page the
// visitor wanted, which now shows the user.
func TestLoginWithOpenIDProvider(t *testing.T) {
	a := startApp(t)
	v := newBrowserVisitor(t)
	code, loginURL, _ := v.do("GET", a.srv.URL+"/account?tab=orders", nil)
	if code != http.StatusSeeOther || loginURL != "/auth/login?redirecturl=%2Faccount%3Ftab%3Dorders" {
		t.Fatalf("anonymous /account: %d to %q; want a redirect to the login that keeps path and query", code, loginURL)
	}
	code, authURL, _ := v.do("GET", a.srv.URL+loginURL, nil)
	if code != http.StatusSeeOther || !strings.HasPrefix(authURL, a.provider.Issuer+"/") {
		t.Fatalf("GET %s: %d to %q; want a redirect to the provider", loginURL, code, authURL)
	}
	q := mustQuery(t, authURL)
	if q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" || q.Get("nonce") == "" || q.Get("state") == "" {
		t.Fatalf("authorization URL %s lacks PKCE, nonce or state", authURL)
	}
	before := v.cookie(a)
	callback := v.atProvider(a, authURL)
	if code, loc, body := v.do("GET", callback, nil); code != http.StatusSeeOther || loc != "/account?tab=orders" {
		t.Fatalf("callback: %d to %q %s", code, loc, body)
	}
	after := v.cookie(a)
	if before == "" || after == "" || after == before {
		t.Fatalf("session cookie %q before and %q after the login; the session ID must be regenerated", before, after)
	}
	if code, _, body := v.do("GET", a.srv.URL+"/account?tab=orders", nil); code != 200 || !strings.HasSuffix(body, " (user-1) at /account?tab=orders") {
		t.Fatalf("/account after login: %d %q", code, body)
	}
	if code, _, _ := withCookie(t, a, before).do("GET", a.srv.URL+"/account", nil); code != http.StatusSeeOther {
		t.Fatalf("the cookie from before the login opens /account: %d; the old session ID must be gone", code)
	}
	if code, _, body := v.do("GET", callback, nil); code != http.StatusBadRequest || !strings.Contains(body, "Login expired or invalid") {
		t.Fatalf("replayed callback: %d %s", code, body)
	}
}

// TestLoginInTwoTabsAtOnce starts logins in three tabs of one browser,
// two of them in parallel requests, and completes them in another order:
// each tab lands where it started.
func TestLoginInTwoTabsAtOnce(t *testing.T) {
	a := startApp(t)
	v := newBrowserVisitor(t)
	authURLs := map[string]string{"/first": v.startLogin(a, "oidc", "/first")} // sets the session cookie
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, path := range []string{"/second", "/third"} {
		wg.Add(1)
		go func() { // t.Fatal belongs to the test's goroutine: only record here
			defer wg.Done()
			resp, err := v.client.Get(a.srv.URL + "/auth/login/oidc?redirecturl=" + url.QueryEscape(path))
			if err != nil {
				t.Errorf("login start for %s: %v", path, err)
				return
			}
			_ = resp.Body.Close()
			mu.Lock()
			authURLs[path] = resp.Header.Get("Location")
			mu.Unlock()
		}()
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	callbacks := map[string]string{}
	for path, u := range authURLs {
		callbacks[path] = v.atProvider(a, u)
	}
	for _, path := range []string{"/third", "/first", "/second"} {
		if code, loc, body := v.do("GET", callbacks[path], nil); code != http.StatusSeeOther || loc != path {
			t.Fatalf("tab %s: %d to %q %s", path, code, loc, body)
		}
	}
}

func mustQuery(t *testing.T, raw string) url.Values {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u.Query()
}

// TestLoginWithoutConfiguredRedirectURL logs in at zitadel with a broker
// that has no redirect URL and a controller without a base URL: the
// callback URL comes from the request, the provider accepts it in the
// authorization request and again when the code is redeemed.
func TestLoginWithoutConfiguredRedirectURL(t *testing.T) {
	a := startAppWith(t, oidctest.Options{}, application.Options{}, withoutRedirectURL)
	v := newBrowserVisitor(t)
	authURL := v.startLogin(a, "oidc", "/account")
	if got := mustParseURL(t, authURL).Query().Get("redirect_uri"); got != a.srv.URL+"/auth/callback/oidc" {
		t.Fatalf("redirect_uri = %q, want the request's %s/auth/callback/oidc", got, a.srv.URL)
	}
	if code, loc, body := v.do("GET", v.atProvider(a, authURL), nil); code != http.StatusSeeOther || loc != "/account" {
		t.Fatalf("callback: %d to %q %s", code, loc, body)
	}
	if code, _, body := v.do("GET", a.srv.URL+"/account", nil); code != http.StatusOK {
		t.Fatalf("/account: %d %s", code, body)
	}
}
