package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/sessionauth/sessionauth/application"
	"github.com/sessionauth/sessionauth/infrastructure/oidcbroker"
	"github.com/sessionauth/sessionauth/internal/oidctest"
)

// registered lists URLs of the app (paths) as the broker's
// postLogoutRedirectURIs, or other URLs as they are.
func registered(urls ...string) func(*oidcbroker.Config) {
	return func(c *oidcbroker.Config) {
		base := strings.TrimSuffix(c.RedirectURL, "/auth/callback/oidc")
		for _, u := range urls {
			if strings.HasPrefix(u, "/") {
				u = base + u
			}
			c.PostLogoutRedirectURIs = append(c.PostLogoutRedirectURIs, u)
		}
	}
}

// loggedOutAtProvider logs v in and out and returns the end-session URL's
// query and where zitadel's end_session endpoint sends the browser back.
func loggedOutAtProvider(t *testing.T, a *app, v *browserVisitor) (url.Values, *url.URL) {
	t.Helper()
	v.logIn(a, "/account")
	code, loc, body := v.do("POST", a.srv.URL+"/auth/logout", sameOrigin(a))
	if code != http.StatusSeeOther || !strings.HasPrefix(loc, a.provider.Issuer+"/") {
		t.Fatalf("logout: %d to %q %s; want the provider's end_session endpoint", code, loc, body)
	}
	q := mustQuery(t, loc)
	back, err := a.provider.Visit(context.Background(), a.provider.Browser(), loc)
	if err != nil {
		t.Fatal(err)
	}
	return q, back
}

// TestRPLogoutChecksState: with the logout return among the registered
// URIs, the end-session request carries id_token_hint, client_id, that
// return and a state; zitadel sends the browser back with the state, and
// the return sends it on to the post-logout page.
func TestRPLogoutChecksState(t *testing.T) {
	a := startAppWith(t, oidctest.Options{}, application.Options{}, registered("/auth/loggedout"))
	v := newBrowserVisitor(t)
	q, back := loggedOutAtProvider(t, a, v)
	if q.Get("id_token_hint") == "" || q.Get("client_id") != a.provider.ClientID || q.Get("state") == "" ||
		q.Get("post_logout_redirect_uri") != a.srv.URL+"/auth/loggedout" {
		t.Fatalf("end-session request %v; want id_token_hint, client_id, state and the logout return", q)
	}
	if back.Query().Get("state") != q.Get("state") || !strings.HasPrefix(back.String(), a.srv.URL+"/auth/loggedout?") {
		t.Fatalf("the provider sent the browser to %s", back)
	}
	code, loc, body := v.do("GET", back.String(), nil)
	if code != http.StatusSeeOther || loc != "/" {
		t.Fatalf("logout return: %d to %q %s; want a redirect to /", code, loc, body)
	}
	if code, _, _ := v.do("GET", back.String(), nil); code != http.StatusBadRequest {
		t.Fatalf("the logout return used twice: %d; want 400", code)
	}
}

// TestRPLogoutRefusesAnotherState: a return whose state is not the one
// this browser's logout sent, or that comes to a browser that started no
// logout, gets the error page.
func TestRPLogoutRefusesAnotherState(t *testing.T) {
	a := startAppWith(t, oidctest.Options{}, application.Options{}, registered("/auth/loggedout"))
	v := newBrowserVisitor(t)
	_, back := loggedOutAtProvider(t, a, v)
	forged := *back
	forged.RawQuery = url.Values{"state": {"forged"}}.Encode()
	code, _, body := v.do("GET", forged.String(), nil)
	if code != http.StatusBadRequest || !strings.Contains(body, "Logout not recognised") {
		t.Fatalf("return with another state: %d %s; want 400 and the error page", code, body)
	}
	if code, _, _ := newBrowserVisitor(t).do("GET", back.String(), nil); code != http.StatusBadRequest {
		t.Fatalf("return in a browser that started no logout: %d; want 400", code)
	}
}

// TestRPLogoutSendsOnlyRegisteredURIs: a post-logout redirect that is not
// among the registered URIs is not sent (nor a state); one that is, is
// sent without a state when the logout return is not registered.
func TestRPLogoutSendsOnlyRegisteredURIs(t *testing.T) {
	t.Run("none registered of ours", func(t *testing.T) {
		a := startAppWith(t, oidctest.Options{}, application.Options{}, registered("https://elsewhere.example/"))
		v := newBrowserVisitor(t)
		v.logIn(a, "/account")
		_, loc, _ := v.do("POST", a.srv.URL+"/auth/logout", sameOrigin(a))
		q := mustQuery(t, loc)
		if q.Has("post_logout_redirect_uri") || q.Has("state") || q.Get("id_token_hint") == "" {
			t.Fatalf("end-session request %v; want id_token_hint and neither post_logout_redirect_uri nor state", q)
		}
	})
	t.Run("the post-logout page registered", func(t *testing.T) {
		a := startAppWith(t, oidctest.Options{}, application.Options{}, registered("/"))
		v := newBrowserVisitor(t)
		q, back := loggedOutAtProvider(t, a, v)
		if q.Get("post_logout_redirect_uri") != a.srv.URL+"/" || q.Has("state") || back.String() != a.srv.URL+"/" {
			t.Fatalf("end-session request %v back to %s; want the post-logout page without a state", q, back)
		}
	})
}
