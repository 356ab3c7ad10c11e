package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/sessionauth/sessionauth/internal/browsertest"
	"github.com/sessionauth/sessionauth/internal/oidctest"
)

// TestBrowserLogin drives a real headless Chromium through the example
// application as make run starts it: click login, fill the provider's
// form, land back logged in and see the user's name and email, log out.
// Once at zitadel's OpenID provider (in process) and once for each of the
// fake broker's users README names (alice and bob, password secret);
// and at zitadel's provider once more with SESSION_BACKEND=cookie, the
// whole session sealed in Chromium's cookies.
func TestBrowserLogin(t *testing.T) {
	tests := []struct {
		broker, username, password, name, email string
		form                                    [3]string // username field, password field, submit button
		shots                                   bool      // save the screenshots README shows
		backend                                 string    // SESSION_BACKEND; empty: the default
	}{
		{"oidc", oidctest.DefaultUser.Username, oidctest.DefaultUser.Password, oidctest.DefaultUser.FirstName + " " + oidctest.DefaultUser.LastName, oidctest.DefaultUser.Email,
			[3]string{`input[name="username"]`, `input[name="password"]`, `button[type="submit"]`}, true, ""},
		{"dev", "alice", "secret", "Alice Example", "alice@example.test", [3]string{"#username", "#password", "#login"}, true, ""},
		{"dev", "bob", "secret", "Bob Example", "bob@example.test", [3]string{"#username", "#password", "#login"}, false, ""},
		{"oidc", oidctest.DefaultUser.Username, oidctest.DefaultUser.Password, oidctest.DefaultUser.FirstName + " " + oidctest.DefaultUser.LastName, oidctest.DefaultUser.Email,
			[3]string{`input[name="username"]`, `input[name="password"]`, `button[type="submit"]`}, false, "cookie"},
	}
	for _, tc := range tests {
		t.Run(tc.broker+"/"+tc.username+tc.backend, func(t *testing.T) {
			if tc.backend != "" {
				t.Setenv("SESSION_BACKEND", tc.backend)
			}
			screenshot := func(name string) chromedp.Action {
				if !tc.shots {
					return chromedp.ActionFunc(func(context.Context) error { return nil })
				}
				return screenshot(name)
			}
			srv := startExample(t, func(base string) { oidcEnvironment(t, base) })
			ctx := browsertest.New(t, 60*time.Second)
			var who, name, email, claims, api, after, demo string
			var jar []*network.Cookie
			err := chromedp.Run(ctx,
				chromedp.Navigate(srv.URL+"/"),
				screenshot("home"),
				chromedp.Click("#login-"+tc.broker, chromedp.ByQuery),
				chromedp.WaitVisible(tc.form[0], chromedp.ByQuery),
				screenshot("login-"+tc.broker), // the provider's own form for oidc
				chromedp.SendKeys(tc.form[0], tc.username, chromedp.ByQuery),
				chromedp.SendKeys(tc.form[1], tc.password, chromedp.ByQuery),
				chromedp.Click(tc.form[2], chromedp.ByQuery),
				chromedp.WaitVisible("#claims", chromedp.ByQuery),
				chromedp.Text("#user-name", &who, chromedp.ByQuery),
				chromedp.Text("#account-name", &name, chromedp.ByQuery),
				chromedp.Text("#account-email", &email, chromedp.ByQuery),
				chromedp.Text("#claims", &claims, chromedp.ByQuery),
				chromedp.Text("#api", &api, chromedp.ByQuery),
				screenshot("account-"+tc.broker),
				chromedp.ActionFunc(func(ctx context.Context) error {
					var err error
					jar, err = network.GetCookies().WithURLs([]string{srv.URL}).Do(ctx)
					return err
				}),
				chromedp.Click("#logout", chromedp.ByQuery),
				chromedp.WaitVisible(`a.login`, chromedp.ByQuery),
				chromedp.Text("#user", &after, chromedp.ByQuery),
				chromedp.Navigate(srv.URL+"/auth/callback/dev?state=forged"),
				chromedp.WaitVisible("#error-message", chromedp.ByQuery),
				screenshot("login-error"),
				chromedp.Navigate(srv.URL+"/auth/login/dev"),
				chromedp.Text("#demo-credentials", &demo, chromedp.ByQuery),
			)
			if err != nil {
				t.Fatalf("browser: %v", err)
			}
			if !strings.Contains(who, tc.name) || !strings.Contains(claims, "Subject") || strings.Contains(claims, "nonce") || !strings.Contains(after, "Not logged in") {
				t.Fatalf("logged in as %q with claims %q; after logout %q", who, claims, after)
			}
			if name != tc.name || email != tc.email {
				t.Fatalf("the account page shows %q, %q; want %q, %q", name, email, tc.name, tc.email)
			}
			if tc.broker == "dev" && !strings.HasPrefix(api, "200 OK") {
				t.Fatalf("the call with the access token answered %q", api)
			}
			if tc.backend == "cookie" && !sealedSession(jar) {
				t.Fatalf("the logged-in browser holds no sealed session cookie: %d cookies", len(jar))
			}
			if !strings.Contains(demo, "alice / secret") {
				t.Fatalf("the fake login form shows %q, want the demo account alice / secret", demo)
			}
		})
	}
}

// sealedSession reports whether jar holds the cookie backend's session: a
// cookie "flamingo" whose value starts with its chunk count.
func sealedSession(jar []*network.Cookie) bool {
	for _, c := range jar {
		if c.Name == "flamingo" && strings.HasPrefix(c.Value, "1.") && len(c.Value) > 1000 {
			return true
		}
	}
	return false
}

// screenshot saves the page as SCREENSHOT_DIR/name.png when SCREENSHOT_DIR
// is set (docs/screenshots holds the ones the README shows).
func screenshot(name string) chromedp.Action {
	return chromedp.ActionFunc(func(ctx context.Context) error {
		dir := os.Getenv("SCREENSHOT_DIR")
		if dir == "" {
			return nil
		}
		var shot []byte
		if err := chromedp.FullScreenshot(&shot, 100).Do(ctx); err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, name+".png"), shot, 0o644)
	})
}

// oidcEnvironment starts zitadel's OpenID provider with the example's
// callback and post-logout URLs registered, and sets what make run reads
// of it: OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET.
func oidcEnvironment(t *testing.T, base string) {
	p := oidctest.Start(t, oidctest.Options{RedirectURI: base + "/auth/callback/oidc", PostLogoutRedirectURIs: []string{base + "/"}})
	t.Setenv("OIDC_ISSUER", p.Issuer)
	t.Setenv("OIDC_CLIENT_ID", p.ClientID)
	t.Setenv("OIDC_CLIENT_SECRET", p.ClientSecret)
}
