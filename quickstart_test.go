package sessionauth_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/sessionauth/sessionauth/internal/browsertest"
	"github.com/sessionauth/sessionauth/internal/oidctest"
)

// TestQuickStartInBrowser runs README's quick start as written (quickStart,
// the source of its Go block) with its environment pointing at zitadel's
// OpenID provider: in Chromium, /account leads to the provider's login
// form, and after the login it greets the user by name.
func TestQuickStartInBrowser(t *testing.T) {
	app := newMatrixApp(t, false)
	p := oidctest.Start(t, oidctest.Options{ClientID: "shop", ClientSecret: "quick-start-client-secret",
		RedirectURI: app.URL + "/auth/callback/corp"})
	for k, v := range map[string]string{"SESSION_SECRET": "a quick start's secret of 32 bytes or more",
		"BASE_URL": app.URL, "OIDC_ISSUER": p.Issuer, "OIDC_CLIENT_ID": p.ClientID, "OIDC_CLIENT_SECRET": p.ClientSecret} {
		t.Setenv(k, v)
	}
	app.srv.Config.Handler = quickStart()
	app.srv.Start()

	m := &matrix{browser: browsertest.New(t, 2*time.Minute)}
	var page string
	err := m.run(
		chromedp.Navigate(app.URL+"/account"),
		chromedp.WaitVisible(providerForm.username, chromedp.ByQuery),
		chromedp.SendKeys(providerForm.username, oidctest.DefaultUser.Username, chromedp.ByQuery),
		chromedp.SendKeys(providerForm.password, oidctest.DefaultUser.Password, chromedp.ByQuery),
		chromedp.Click(providerForm.submit, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatalf("log in through the quick start in Chromium: %v", err)
	}
	// The browser goes through the callback to /account; a look while it
	// navigates fails, so look until the page is there.
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		var where string
		if chromedp.Run(m.browser, chromedp.Location(&where), chromedp.Text("body", &page, chromedp.ByQuery)) == nil &&
			strings.HasSuffix(where, "/account") && strings.Contains(page, "hello") {
			break
		}
	}
	u := oidctest.DefaultUser
	if want := "hello " + u.FirstName + " " + u.LastName; strings.TrimSpace(page) != want {
		t.Errorf("/account after the login shows %q, want %q", page, want)
	}
}
