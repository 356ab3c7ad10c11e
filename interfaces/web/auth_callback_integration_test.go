package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sessionauth/sessionauth/application"
	"github.com/sessionauth/sessionauth/internal/oidctest"
)

// TestCallbackFailures brings back callbacks that must not log anybody in:
// each gets the error page (never 500, never a redirect), and the visitor
// stays anonymous.
func TestCallbackFailures(t *testing.T) {
	a := startApp(t)
	// changed is a callback zitadel sent, with query changed by edit.
	changed := func(edit func(q url.Values)) func(v *browserVisitor) string {
		return func(v *browserVisitor) string {
			cb, _ := url.Parse(v.atProvider(a, v.startLogin(a, "oidc", "/")))
			q := cb.Query()
			edit(q)
			cb.RawQuery = q.Encode()
			return cb.String()
		}
	}
	tests := []struct {
		name     string
		callback func(v *browserVisitor) string
		code     int
		want     []string
	}{
		{"forged state", changed(func(q url.Values) { q.Set("state", "forged") }), 400, []string{"Login expired or invalid", `href="/auth/login/oidc"`}},
		{"no state", changed(func(q url.Values) { q.Del("state") }), 400, []string{"Login expired or invalid"}},
		{"provider error", changed(func(q url.Values) {
			q.Del("code")
			q.Set("error", "access_denied")
			q.Set("error_description", "<b>denied</b> & gone")
		}), 401, []string{`<code id="error-code">access_denied</code>`, "&lt;b&gt;denied&lt;/b&gt; &amp; gone"}},
		{"provider error sent by zitadel", func(v *browserVisitor) string {
			// ?prompt=none goes to the provider, which cannot log in
			// without its form and redirects back with login_required.
			_, authURL, _ := v.do("GET", a.srv.URL+"/auth/login/oidc?prompt=none", nil)
			back, err := a.provider.Login(context.Background(), a.provider.Browser(), authURL, "", "")
			if err != nil {
				t.Fatal(err)
			}
			return back.String()
		}, 401, []string{`<code id="error-code">login_required</code>`}},
		{"issuer of another provider", changed(func(q url.Values) { q.Set("iss", "https://evil.example") }), 400, []string{"could not be verified"}},
		{"code of nobody", changed(func(q url.Values) { q.Set("code", "made-up") }), 401, []string{"invalid_grant"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := newBrowserVisitor(t)
			code, loc, body := v.do("GET", tc.callback(v), nil)
			if code != tc.code || loc != "" {
				t.Fatalf("%d (Location %q) %s; want %d and no redirect", code, loc, body, tc.code)
			}
			for _, want := range tc.want {
				if !strings.Contains(body, want) {
					t.Fatalf("the error page lacks %q:\n%s", want, body)
				}
			}
			if code, _, _ := v.do("GET", a.srv.URL+"/account", nil); code != http.StatusSeeOther {
				t.Fatalf("/account after a failed callback: %d; the visitor must stay anonymous", code)
			}
		})
	}
}

func TestExpiredStateAndReplayedCode(t *testing.T) {
	now := time.Now()
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	a := startAppWith(t, oidctest.Options{}, application.Options{Clock: clock})
	v := newBrowserVisitor(t)
	stale := v.atProvider(a, v.startLogin(a, "oidc", "/"))
	mu.Lock()
	now = now.Add(application.DefaultStateLifetime + time.Minute)
	mu.Unlock()
	if code, _, body := v.do("GET", stale, nil); code != http.StatusBadRequest || !strings.Contains(body, "Login expired or invalid") {
		t.Fatalf("callback after the state lifetime: %d %s", code, body)
	}
	// A code the provider redeemed once, brought back with a fresh state.
	first := v.atProvider(a, v.startLogin(a, "oidc", "/"))
	if code, _, body := v.do("GET", first, nil); code != http.StatusSeeOther {
		t.Fatalf("first callback: %d %s", code, body)
	}
	second, _ := url.Parse(v.atProvider(a, v.startLogin(a, "oidc", "/")))
	q := second.Query()
	q.Set("code", mustQuery(t, first).Get("code"))
	second.RawQuery = q.Encode()
	if code, _, body := v.do("GET", second.String(), nil); code != http.StatusUnauthorized || !strings.Contains(body, "invalid_grant") {
		t.Fatalf("replayed code: %d %s", code, body)
	}
}
