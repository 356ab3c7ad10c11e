package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestFakeBrokerLoginThroughItsForm uses the fake broker the way a browser
// does: it opens the form the login redirects to, posts to the form's own
// action, is turned away with a wrong password, cancels once, logs in,
// reaches the protected page and logs out (no end-session endpoint: back
// to "/").
func TestFakeBrokerLoginThroughItsForm(t *testing.T) {
	a := startApp(t)
	v := newBrowserVisitor(t)
	openForm := func() string {
		code, _, page := v.do("GET", a.srv.URL+v.startLogin(a, "dev", "/account"), nil)
		if code != http.StatusOK || !strings.Contains(page, `id="password"`) {
			t.Fatalf("fake login form: %d %s", code, page)
		}
		return a.srv.URL + actionOf(t, page)
	}
	action := openForm()
	code, _, page := v.post(a, action, url.Values{"username": {"bob"}, "password": {"wrong"}})
	if code != http.StatusUnauthorized || !strings.Contains(page, "wrong password") || a.srv.URL+actionOf(t, page) != action {
		t.Fatalf("wrong password: %d %s; want 401 and the form again", code, page)
	}
	_, callback, _ := v.post(a, action, url.Values{"cancel": {"1"}})
	if code, _, page := v.do("GET", a.srv.URL+callback, nil); code != http.StatusUnauthorized || !strings.Contains(page, "access_denied") {
		t.Fatalf("cancelled login: %d %s; want the error page with access_denied", code, page)
	}
	_, callback, _ = v.post(a, openForm(), url.Values{"username": {"bob"}, "password": {"pw"}})
	if code, loc, page := v.do("GET", a.srv.URL+callback, nil); code != http.StatusSeeOther || loc != "/account" {
		t.Fatalf("callback: %d to %q %s", code, loc, page)
	}
	if code, _, page := v.do("GET", a.srv.URL+"/account", nil); code != 200 || page != "hello Bob Builder (bob) at /account" {
		t.Fatalf("/account: %d %q", code, page)
	}
	if code, loc, _ := v.do("POST", a.srv.URL+"/auth/logout", sameOrigin(a)); code != http.StatusSeeOther || loc != "/" || v.cookie(a) != "" {
		t.Fatalf("logout: %d to %q, cookie %q; want a redirect to / and the cookie expired", code, loc, v.cookie(a))
	}
}
