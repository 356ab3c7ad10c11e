package web_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sessionauth/sessionauth/application"
	"github.com/sessionauth/sessionauth/infrastructure/cookiesigner"
	"github.com/sessionauth/sessionauth/interfaces/web"
	"github.com/sessionauth/sessionauth/internal/oidctest"
)

// honestACR is a provider that authenticates as strongly as asked.
func honestACR(requested []string) string {
	if len(requested) == 0 {
		return ""
	}
	return requested[0]
}

// hourAgo is a provider that reports an authentication an hour old.
func hourAgo(at time.Time) time.Time { return at.Add(-time.Hour) }

// stepUp logs v in, stores a note in the session, visits path and returns
// where the app sends the browser for the step-up.
func stepUp(t *testing.T, a *app, v *browserVisitor, path string) string {
	t.Helper()
	v.logIn(a, "/account")
	if code, _, body := v.post(a, a.srv.URL+"/note", url.Values{"note": {"kept"}}); code != http.StatusOK {
		t.Fatalf("note: %d %s", code, body)
	}
	code, loc, body := v.do("GET", a.srv.URL+path, nil)
	if code != http.StatusSeeOther || !strings.HasPrefix(loc, "/auth/login/oidc?") {
		t.Fatalf("GET %s of a logged-in user who needs a step-up: %d to %q %s; want a redirect to the login", path, code, loc, body)
	}
	if got := mustParseURL(t, loc).Query().Get("redirecturl"); got != path {
		t.Fatalf("step-up login returns to %q; want %q", got, path)
	}
	return loc
}

func TestStepUpMaxAgeComesBackToThePageWithTheSession(t *testing.T) {
	var stale atomic.Bool
	stale.Store(true) // the first login is an hour old
	a := startAppWith(t, oidctest.Options{AuthTime: func(at time.Time) time.Time {
		if stale.Load() {
			return hourAgo(at)
		}
		return at
	}}, application.Options{})
	v := newBrowserVisitor(t)
	login := stepUp(t, a, v, "/recent?x=1")
	stale.Store(false) // zitadel shows its form again and the login is fresh
	before := sessionID(t, a, v)
	callback := v.atProvider(a, v.startLoginAt(a, login))
	if got := a.provider.LastAuthRequest().MaxAge; got != "60" {
		t.Fatalf("max_age sent to the provider: %q; want 60", got)
	}
	code, loc, body := v.do("GET", callback, nil)
	if code != http.StatusSeeOther || loc != "/recent?x=1" {
		t.Fatalf("callback: %d to %q %s; want a redirect to /recent?x=1", code, loc, body)
	}
	code, _, body = v.do("GET", a.srv.URL+loc, nil)
	if code != http.StatusOK || body != "hello user-1 at /recent?x=1, note kept" {
		t.Fatalf("after the step-up: %d %q; want the page with the session's note", code, body)
	}
	if sessionID(t, a, v) == before {
		t.Fatal("the step-up login kept the session ID; want a new one, as at every login")
	}
	// After a restart the page needs no new step-up: auth_time is stored
	// with the identity.
	if code, _, body := v.do("GET", restarted(t, a).URL+"/recent?x=1", nil); code != http.StatusOK || body != "hello user-1 at /recent?x=1, note kept" {
		t.Fatalf("after a restart: %d %q; want the page", code, body)
	}
}

// sessionID is the ID of the session whose cookie v holds for a. The
// cookie's value changes with its timestamp when the cookie is set again;
// the ID only at a login.
func sessionID(t *testing.T, a *app, v *browserVisitor) string {
	t.Helper()
	signer, err := cookiesigner.New("app", []string{"secret"}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	id, err := signer.Verify(v.cookie(a))
	if err != nil {
		t.Fatalf("session cookie: %v", err)
	}
	return id
}

// restarted is a new server of a's pages over a's repository and cookie
// secret: nothing of a's process but what the sessions store.
func restarted(t *testing.T, a *app) *httptest.Server {
	t.Helper()
	signer, err := cookiesigner.New("app", []string{"secret"}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	stepUpRoutes(mux)
	srv := httptest.NewServer(web.NewSessionMiddleware(a.repo, signer, web.SessionOptions{Name: "app", MaxAge: time.Hour}).Handler(mux))
	t.Cleanup(srv.Close)
	return srv
}

func TestStepUpACR(t *testing.T) {
	a := startAppWith(t, oidctest.Options{ACR: honestACR}, application.Options{})
	v := newBrowserVisitor(t)
	login := stepUp(t, a, v, "/strong")
	if got := mustParseURL(t, login).Query().Get("acr_values"); got != "gold" {
		t.Fatalf("step-up login asks acr_values %q; want gold", got)
	}
	callback := v.atProvider(a, v.startLoginAt(a, login))
	if got := a.provider.LastAuthRequest().ACRValues; len(got) != 1 || got[0] != "gold" {
		t.Fatalf("acr_values sent to the provider: %q; want [gold]", got)
	}
	if code, loc, body := v.do("GET", callback, nil); code != http.StatusSeeOther || loc != "/strong" {
		t.Fatalf("callback: %d to %q %s", code, loc, body)
	}
	if code, _, body := v.do("GET", a.srv.URL+"/strong", nil); code != http.StatusOK || body != "hello user-1 at /strong, note kept" {
		t.Fatalf("after the step-up: %d %q", code, body)
	}
	if code, _, body := v.do("GET", restarted(t, a).URL+"/strong", nil); code != http.StatusOK || body != "hello user-1 at /strong, note kept" {
		t.Fatalf("after a restart: %d %q; want the page, acr being stored with the identity", code, body)
	}
}

// TestStepUpRefusesAProviderThatIgnoresIt: an answer that does not meet
// what the login asked is refused with a page, and the login the session
// had stays as it was: same session ID, same note, same user, still not
// enough for the page.
func TestStepUpRefusesAProviderThatIgnoresIt(t *testing.T) {
	tests := []struct {
		name  string
		opts  oidctest.Options
		path  string
		login func(loc string) string
	}{
		{"old auth_time for max_age", oidctest.Options{AuthTime: hourAgo}, "/recent", nil},
		{"weaker acr", oidctest.Options{ACR: func([]string) string { return "silver" }}, "/strong", nil},
		{"no acr", oidctest.Options{}, "/strong", nil},
		{"old auth_time for prompt=login", oidctest.Options{AuthTime: hourAgo}, "/account",
			func(string) string { return "/auth/login/oidc?prompt=login&redirecturl=%2Faccount" }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := startAppWith(t, tc.opts, application.Options{})
			v := newBrowserVisitor(t)
			var login string
			if tc.login == nil {
				login = stepUp(t, a, v, tc.path)
			} else {
				v.logIn(a, "/account")
				v.post(a, a.srv.URL+"/note", url.Values{"note": {"kept"}})
				login = tc.login("")
			}
			before := sessionID(t, a, v)
			code, _, body := v.do("GET", v.atProvider(a, v.startLoginAt(a, login)), nil)
			if code != http.StatusForbidden || !strings.Contains(body, "Sign-in not confirmed") || !strings.Contains(body, "you still are") {
				t.Fatalf("callback with an answer that ignores the request: %d %s; want 403 and the page that says so", code, body)
			}
			if sessionID(t, a, v) != before {
				t.Fatal("the refused login changed the session ID")
			}
			if code, _, body := v.do("GET", a.srv.URL+"/account", nil); code != http.StatusOK || !strings.Contains(body, "(user-1)") {
				t.Fatalf("the earlier login after the refusal: %d %q; want it as it was", code, body)
			}
			if tc.login == nil {
				if code, loc, _ := v.do("GET", a.srv.URL+tc.path, nil); code != http.StatusSeeOther || !strings.HasPrefix(loc, "/auth/login/oidc?") {
					t.Fatalf("%s after the refusal: %d to %q; want another step-up", tc.path, code, loc)
				}
			}
		})
	}
}

func TestLoginStartPrompt(t *testing.T) {
	a := startApp(t)
	for _, prompt := range []string{"login", "none"} {
		v := newBrowserVisitor(t)
		loc := v.startLoginAt(a, "/auth/login/oidc?prompt="+prompt)
		if got := mustParseURL(t, loc).Query().Get("prompt"); got != prompt {
			t.Fatalf("?prompt=%s: the authorization URL has prompt %q", prompt, got)
		}
	}
	for _, bad := range []string{"prompt=consent", "prompt=none+login", "prompt=login&prompt=none", "max_age=-1", "max_age=99999999999", "acr_values=" + strings.Repeat("a", 129)} {
		v := newBrowserVisitor(t)
		code, _, body := v.do("GET", a.srv.URL+"/auth/login/oidc?"+bad, nil)
		if code != http.StatusBadRequest || !strings.Contains(body, "Login not started") {
			t.Fatalf("login with %s: %d %s; want 400 and the page that says why", bad, code, body)
		}
	}
}

// startLoginAt asks the app for the login at path and returns the
// provider's URL.
func (v *browserVisitor) startLoginAt(a *app, path string) string {
	v.t.Helper()
	code, loc, body := v.do("GET", a.srv.URL+path, nil)
	if code != http.StatusSeeOther || loc == "" {
		v.t.Fatalf("login start %s: %d %q %s", path, code, loc, body)
	}
	return loc
}
