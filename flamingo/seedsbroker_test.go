package sessionauthflamingo_test

import (
	"context"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/sessionauth/sessionauth/internal/browsertest"
	"github.com/sessionauth/sessionauth/internal/oidctest"
)

// seedsBrokerYAML is the configuration of a Flamingo application that logs
// in with the seeds' broker entry as a Flamingo user writes it: an OpenID
// provider with endpoint, client ID, client secret and the scopes profile
// and email, no claims block, no redirectURL; the values the provider hands
// out come from the environment through Flamingo's placeholders.
const seedsBrokerYAML = `flamingo:
  session:
    backend: custom
    repository: memory
    secret: "%%ENV:SESSION_SECRET%%"
    cookie:
      secure: false
core:
  auth:
    web:
      broker:
        - broker: oidc
          typ: oidc
          endpoint: "%%ENV:OIDC_ENDPOINT%%"
          clientID: "%%ENV:OIDC_CLIENT_ID%%"
          clientSecret: "%%ENV:OIDC_CLIENT_SECRET%%"
          scopes: [profile, email]
`

// seedsApp is a Flamingo application with the seeds' controller at
// /profile, logging in at a provider that registered its callback.
type seedsApp struct {
	base     string
	provider *oidctest.Provider
}

// startSeedsApp starts zitadel's provider, which puts the user's name and
// email into its ID tokens when claimsInIDToken is set (as Keycloak does)
// and keeps them at its userinfo endpoint otherwise (zitadel's default),
// and the application configured with yaml.
func startSeedsApp(t *testing.T, yaml string, claimsInIDToken bool) seedsApp {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + l.Addr().String()
	p := oidctest.Start(t, oidctest.Options{
		RedirectURI: base + "/auth/callback/oidc", PostLogoutRedirectURIs: []string{base + "/"}, ClaimsInIDToken: claimsInIDToken,
	})
	env := []string{"SESSION_SECRET=flamingo seeds test secret, 32 bytes or more", "OIDC_ENDPOINT=" + p.Issuer,
		"OIDC_CLIENT_ID=" + p.ClientID, "OIDC_CLIENT_SECRET=" + p.ClientSecret}
	return seedsApp{base: startOn(t, l, yamlDir(t, map[string]string{"config.yml": yaml}), env, login), provider: p}
}

// browserVisit is what Chromium showed along a login, a call with the
// access token and a logout.
type browserVisit struct {
	profile  string // the seeds' controller after the login
	userinfo string // the provider's userinfo endpoint, called with AuthManager.HTTPClient
	again    string // the page /profile leads to after the logout
}

// loginInBrowser opens /profile in Chromium, logs in at the provider's
// form, reads the seeds' controller and /userinfo, logs out with a form
// POST to /auth/logout and opens /profile again.
func loginInBrowser(ctx context.Context, app seedsApp) (browserVisit, error) {
	var v browserVisit
	u := oidctest.DefaultUser
	logout := `const f = document.createElement("form"); f.method = "POST"; f.action = "/auth/logout";
		document.body.appendChild(f); f.submit(); true`
	err := chromedp.Run(ctx,
		chromedp.Navigate(app.base+"/profile"),
		chromedp.WaitVisible(`input[name="username"]`, chromedp.ByQuery),
		chromedp.SendKeys(`input[name="username"]`, u.Username, chromedp.ByQuery),
		chromedp.SendKeys(`input[name="password"]`, u.Password, chromedp.ByQuery),
		chromedp.Click(`button[type="submit"]`, chromedp.ByQuery),
		waitFor(`location.href === "`+app.base+`/profile" && document.readyState === "complete"`),
		chromedp.Text("body", &v.profile, chromedp.ByQuery),
		chromedp.Navigate(app.base+"/userinfo"),
		chromedp.Text("body", &v.userinfo, chromedp.ByQuery),
		chromedp.Evaluate(logout, nil),
		waitFor(`location.pathname !== "/userinfo" && document.readyState === "complete"`),
		chromedp.Navigate(app.base+"/profile"),
		chromedp.WaitVisible(`input[name="username"]`, chromedp.ByQuery),
		chromedp.Location(&v.again),
	)
	return v, err
}

// waitFor evaluates the JavaScript condition until it holds, across the
// navigations of a redirect chain (an evaluation in a page that is just
// being left fails and is tried again).
func waitFor(condition string) chromedp.Action {
	return chromedp.ActionFunc(func(ctx context.Context) error {
		for {
			var ok bool
			if err := chromedp.Evaluate(condition, &ok).Do(ctx); err == nil && ok {
				return nil
			}
			select {
			case <-ctx.Done():
				return fmt.Errorf("waiting for %s: %w", condition, ctx.Err())
			case <-time.After(50 * time.Millisecond):
			}
		}
	})
}

// TestFlamingoSeedsBrokerInBrowser: a Flamingo application configured with
// the seeds' broker entry and nothing else, in YAML read by Flamingo's
// loader, logs a person in at zitadel's OpenID provider in headless
// Chromium. The seeds' controller shows the ID token's subject, the user's
// name and email; its HTTP client brings the access token to the
// provider's userinfo endpoint; after the logout /profile asks for the
// login again.
func TestFlamingoSeedsBrokerInBrowser(t *testing.T) {
	for _, tc := range []struct {
		name            string
		claimsInIDToken bool
	}{{"profile in the ID token", true}, {"profile at the userinfo endpoint", false}} {
		t.Run(tc.name, func(t *testing.T) { seedsBrokerInBrowser(t, tc.claimsInIDToken) })
	}
}

func seedsBrokerInBrowser(t *testing.T, claimsInIDToken bool) {
	app := startSeedsApp(t, seedsBrokerYAML, claimsInIDToken)
	v, err := loginInBrowser(browsertest.New(t, 90*time.Second), app)
	if err != nil {
		t.Fatalf("browser: %v (seen so far: %+v)", err, v)
	}
	u := oidctest.DefaultUser
	if want := u.ID + " " + u.FirstName + " " + u.LastName + " <" + u.Email + "> "; !strings.HasPrefix(v.profile, want) {
		t.Errorf("the seeds' controller after the login shows %q, want it to begin with %q", v.profile, want)
	}
	if !strings.Contains(v.userinfo, `"sub":"`+u.ID+`"`) {
		t.Errorf("/userinfo through AuthManager.HTTPClient shows %q, want the provider's answer for %s", v.userinfo, u.ID)
	}
	if !strings.HasPrefix(v.again, app.provider.Issuer) {
		t.Errorf("/profile after the logout led to %s, want the provider's login form at %s", v.again, app.provider.Issuer)
	}
}
