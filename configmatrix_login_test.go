package sessionauth_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/sessionauth/sessionauth/internal/oidctest"
)

// loginForm is how a person logs in at a broker's page: the selectors of
// the username and password fields and of the button.
type loginForm struct{ username, password, submit string }

var (
	providerForm = loginForm{`input[name="username"]`, `input[name="password"]`, `button[type="submit"]`}
	fakeForm     = loginForm{"#username", "#password", "#login"}
)

// startProvider runs zitadel's OpenID provider for the broker entry of cfg
// named name, with the entry's clientID and clientSecret, registered for
// the app's callback and post-logout URL, and putting name and email into
// its ID tokens when claimsInID, else only at its userinfo endpoint. It
// overrides the entry's endpoint (the issuer) only.
func startProvider(t *testing.T, cfg map[string]any, app *matrixApp, name string, claimsInID bool) *oidctest.Provider {
	t.Helper()
	b := broker(t, cfg, name)
	id, _ := b["clientID"].(string)
	secret, _ := b["clientSecret"].(string)
	p := oidctest.Start(t, oidctest.Options{
		ClientID: id, ClientSecret: secret, ClaimsInIDToken: claimsInID,
		RedirectURI: app.URL + "/auth/callback/" + name, PostLogoutRedirectURIs: []string{app.URL + "/", app.URL + "/auth/loggedout"},
	})
	b["endpoint"] = p.Issuer
	return p
}

// browserLogin logs in through Chromium at broker with the form and
// returns what /whoami shows afterwards.
func (m *matrix) browserLogin(t *testing.T, app *matrixApp, name string, form loginForm, user, password string) map[string]string {
	t.Helper()
	err := m.run(
		chromedp.ActionFunc(func(ctx context.Context) error { return network.ClearBrowserCookies().Do(ctx) }),
		chromedp.Navigate(app.URL+"/auth/login/"+name+"?redirecturl=/whoami"),
		chromedp.WaitVisible(form.username, chromedp.ByQuery),
		chromedp.SendKeys(form.username, user, chromedp.ByQuery),
		chromedp.SendKeys(form.password, password, chromedp.ByQuery),
		chromedp.Click(form.submit, chromedp.ByQuery),
		chromedp.WaitVisible("#logout", chromedp.ByQuery),
	)
	if err != nil {
		t.Fatalf("log in at %s as %s in Chromium: %v", name, user, err)
	}
	return m.page(t, app.URL+"/whoami", "name", "email", "first", "last", "type", "groups")
}

// run runs the actions in Chromium, each run given 30 seconds; an error
// shows where the browser is and what it shows.
func (m *matrix) run(actions ...chromedp.Action) error {
	ctx, cancel := context.WithTimeout(m.browser, 30*time.Second)
	defer cancel()
	err := chromedp.Run(ctx, actions...)
	if err == nil {
		return nil
	}
	var where, body string
	_ = chromedp.Run(m.browser, chromedp.Location(&where), chromedp.OuterHTML("html", &body, chromedp.ByQuery))
	return fmt.Errorf("%w\nat %s:\n%s", err, where, body)
}

// page navigates to u and returns the text of the elements with the ids.
func (m *matrix) page(t *testing.T, u string, ids ...string) map[string]string {
	t.Helper()
	texts := make([]string, len(ids))
	actions := []chromedp.Action{chromedp.Navigate(u)}
	for i, id := range ids {
		actions = append(actions, chromedp.Text("#"+id, &texts[i], chromedp.ByQuery))
	}
	if err := m.run(actions...); err != nil {
		t.Fatalf("Chromium at %s: %v", u, err)
	}
	got := map[string]string{}
	for i, id := range ids {
		got[id] = strings.TrimSpace(texts[i])
	}
	return got
}

// logout presses the logout button of /whoami, waits for the home page the
// logout ends on and returns what /whoami shows then.
func (m *matrix) logout(t *testing.T, app *matrixApp) map[string]string {
	t.Helper()
	err := m.run(
		chromedp.Navigate(app.URL+"/whoami"),
		chromedp.Click("#logout", chromedp.ByQuery),
		chromedp.WaitVisible("#home", chromedp.ByQuery),
	)
	if err != nil {
		t.Fatalf("log out in Chromium: %v", err)
	}
	return m.page(t, app.URL+"/whoami", "name", "email", "type")
}

// checkOIDC logs in at the provider as its default user and checks what
// the user sees, the ID token's issuer, a call with the access token to
// the provider's userinfo endpoint, and the logout.
func (m *matrix) checkOIDC(t *testing.T, app *matrixApp, p *oidctest.Provider, name string, want map[string]string) {
	t.Helper()
	u := oidctest.DefaultUser
	wantEqual(t, "after the login /whoami", m.browserLogin(t, app, name, providerForm, u.Username, u.Password), want)
	wantEqual(t, "AuthManager.IDToken", m.page(t, app.URL+"/token", "issuer"), map[string]string{"issuer": p.Issuer})
	api := m.page(t, app.URL+"/api?url="+p.Issuer+"/userinfo", "api")["api"]
	if !strings.HasPrefix(api, "200 OK") || !strings.Contains(api, `"sub":"`+u.ID+`"`) {
		t.Errorf("the userinfo endpoint answered AuthManager.HTTPClient's request with %q, want 200 OK and the user's sub", api)
	}
	wantEqual(t, "after the logout /whoami", m.logout(t, app), map[string]string{"name": "", "email": "", "type": "guest"})
}

// runSeedsBroker: the seeds' broker configuration and nothing else, at a
// provider that puts the profile and email into its ID tokens and at one
// that keeps them at its userinfo endpoint. The test overrides the
// broker's endpoint with the provider's issuer; the callback URL comes
// from the request, as no baseURL is configured.
func runSeedsBroker(t *testing.T, m *matrix, cfg map[string]any) {
	for _, claimsInID := range []bool{true, false} {
		t.Run(map[bool]string{true: "claims in the ID token", false: "claims at userinfo"}[claimsInID], func(t *testing.T) {
			app := newMatrixApp(t, false)
			p := startProvider(t, cfg, app, "corp", claimsInID)
			app.start(t, cfg)
			u := oidctest.DefaultUser
			m.checkOIDC(t, app, p, "corp", map[string]string{"name": u.FirstName + " " + u.LastName, "email": u.Email,
				"first": u.FirstName, "last": u.LastName, "type": "user"})
		})
	}
}

// runAuthBrokers: docs/auth.md's two brokers, the oidc one at a provider
// that keeps the profile at its userinfo endpoint (zitadel's default), so
// that the ID token's mapping is filled from the userinfo answer the
// block's claims.userInfo asks for. The test overrides
// core.auth.web.baseURL with the application's address and the corp
// broker's endpoint with the provider's issuer.
func runAuthBrokers(t *testing.T, m *matrix, cfg map[string]any) {
	app := newMatrixApp(t, false)
	override(t, cfg, "core.auth.web.baseURL", app.URL)
	p := startProvider(t, cfg, app, "corp", false)
	app.start(t, cfg)
	u := oidctest.DefaultUser
	t.Run("corp", func(t *testing.T) {
		// claims.idToken maps name to preferred_username (the username);
		// email stays the default; userInfo gives the first and last name.
		m.checkOIDC(t, app, p, "corp", map[string]string{"name": u.Username, "email": u.Email,
			"first": u.FirstName, "last": u.LastName, "type": "user"})
	})
	users, _ := broker(t, cfg, "dev")["users"].([]any)
	if len(users) == 0 {
		t.Fatal("the fake broker dev has no users")
	}
	for _, entry := range users {
		// each documented user logs in with the block's password and sees
		// the block's name and email
		u, _ := entry.(map[string]any)
		user, password := fmt.Sprint(u["username"]), fmt.Sprint(u["password"])
		t.Run("dev/"+user, func(t *testing.T) {
			got := m.browserLogin(t, app, "dev", fakeForm, user, password)
			wantEqual(t, "after the login /whoami", got, map[string]string{"name": fmt.Sprint(u["name"]), "email": fmt.Sprint(u["email"]),
				"type": "user", "groups": joined(u["groups"])})
			wantEqual(t, "after the logout /whoami", m.logout(t, app), map[string]string{"name": "", "type": "guest"})
		})
	}
}

// joined is a block's list as /whoami shows it: the entries, comma-separated.
func joined(list any) string {
	entries, _ := list.([]any)
	out := make([]string, len(entries))
	for i, e := range entries {
		out[i] = fmt.Sprint(e)
	}
	return strings.Join(out, ",")
}

// runAuthCorporate: docs/auth.md's broker with form_post, front-channel
// logout and registered post-logout URIs, at zitadel's provider. The test
// overrides baseURL and postLogoutRedirectURIs with the app's address. The
// login goes through the provider's form_post page, the logout through
// its end_session endpoint and back with the state; the front-channel URL
// answers framable by the provider's origin only.
func runAuthCorporate(t *testing.T, m *matrix, cfg map[string]any) {
	app := newMatrixApp(t, false)
	override(t, cfg, "core.auth.web.baseURL", app.URL)
	b := broker(t, cfg, "corp")
	if b["responseMode"] != "form_post" || b["frontChannelLogout"] != true {
		t.Fatalf("the block's broker is %v; want responseMode form_post and frontChannelLogout", b)
	}
	b["postLogoutRedirectURIs"] = []any{app.URL + "/auth/loggedout"}
	p := startProvider(t, cfg, app, "corp", true)
	app.start(t, cfg)
	u := oidctest.DefaultUser
	m.checkOIDC(t, app, p, "corp", map[string]string{"name": u.FirstName + " " + u.LastName, "email": u.Email,
		"first": u.FirstName, "last": u.LastName, "type": "user"})
	resp, err := http.Get(app.URL + "/auth/frontchannel/corp")
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Security-Policy") != "frame-ancestors "+p.Issuer {
		t.Fatalf("front-channel logout: %s, CSP %q; want 200 framable by %s", resp.Status, resp.Header.Get("Content-Security-Policy"), p.Issuer)
	}
}

// runFrontChannelOrigins: docs/auth.md's frontChannelLogoutOrigins block
// at zitadel's provider. The front-channel URL answers framable by the
// block's origins, not by the issuer's. The test overrides baseURL and the
// broker's endpoint.
func runFrontChannelOrigins(t *testing.T, m *matrix, cfg map[string]any) {
	app := newMatrixApp(t, false)
	override(t, cfg, "core.auth.web.baseURL", app.URL)
	b := broker(t, cfg, "corp")
	var origins []string
	for _, o := range b["frontChannelLogoutOrigins"].([]any) {
		origins = append(origins, o.(string))
	}
	p := startProvider(t, cfg, app, "corp", false)
	app.start(t, cfg)
	u := oidctest.DefaultUser
	m.checkOIDC(t, app, p, "corp", map[string]string{"name": u.FirstName + " " + u.LastName, "email": u.Email,
		"first": u.FirstName, "last": u.LastName, "type": "user"})
	resp, err := http.Get(app.URL + "/auth/frontchannel/corp")
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	want := "frame-ancestors " + strings.Join(origins, " ")
	if got := resp.Header.Get("Content-Security-Policy"); resp.StatusCode != http.StatusOK || got != want || len(origins) == 0 {
		t.Fatalf("front-channel logout: %s, CSP %q; want 200 and %q, not the issuer %s", resp.Status, got, want, p.Issuer)
	}
}
