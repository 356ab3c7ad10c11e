package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
)

func TestLogoutWithEndSession(t *testing.T) {
	a := startApp(t)
	v := newBrowserVisitor(t)
	v.logIn(a, "/account")
	loggedIn := v.cookie(a)
	for _, h := range []http.Header{{"Sec-Fetch-Site": {"cross-site"}}, {"Origin": {"https://evil.example"}}} {
		if code, _, _ := v.do("POST", a.srv.URL+"/auth/logout", h); code != http.StatusForbidden {
			t.Fatalf("cross-site logout (%v): %d, want 403", h, code)
		}
	}
	if code, _, _ := v.do("GET", a.srv.URL+"/account", nil); code != 200 || a.repo.Len() != 1 {
		t.Fatalf("after refused logouts: /account %d, %d sessions stored; want the session untouched", code, a.repo.Len())
	}
	code, loc, _ := v.do("POST", a.srv.URL+"/auth/logout", sameOrigin(a))
	end := mustQuery(t, loc)
	if code != http.StatusSeeOther || !strings.HasPrefix(loc, a.provider.Issuer+"/") || end.Get("id_token_hint") == "" ||
		end.Get("post_logout_redirect_uri") != a.srv.URL+"/" {
		t.Fatalf("logout: %d to %q; want the provider's end_session endpoint with id_token_hint and post_logout_redirect_uri", code, loc)
	}
	if v.cookie(a) != "" {
		t.Fatal("the session cookie was not expired")
	}
	if a.repo.Len() != 0 {
		t.Fatalf("%d sessions stored after logout; the record must be deleted", a.repo.Len())
	}
	back, err := a.provider.Visit(context.Background(), a.provider.Browser(), loc)
	if err != nil || back.String() != a.srv.URL+"/" {
		t.Fatalf("the provider's end_session sent the browser to %v (%v), want %s/", back, err, a.srv.URL)
	}
	old := withCookie(t, a, loggedIn)
	if code, _, _ := old.do("GET", a.srv.URL+"/account", nil); code != http.StatusSeeOther {
		t.Fatalf("the logged-out cookie still opens /account: %d", code)
	}
	if a.repo.Len() != 0 {
		t.Fatal("the logged-out cookie brought a stored session back")
	}
}
