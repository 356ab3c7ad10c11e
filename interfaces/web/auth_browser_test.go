package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/sessionauth/sessionauth/application"
	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/infrastructure/cookiesigner"
	"github.com/sessionauth/sessionauth/infrastructure/memorystore"
	"github.com/sessionauth/sessionauth/infrastructure/oidcbroker"
	"github.com/sessionauth/sessionauth/interfaces/web"
	"github.com/sessionauth/sessionauth/internal/browsertest"
	"github.com/sessionauth/sessionauth/internal/oidctest"
)

// crossSiteApp is an application at http://localhost:port whose providers
// run at http://127.0.0.1:port, another site for the browser: its
// SameSite=Lax session cookie does not come along on the providers'
// cross-site POSTs, nor into their iframes. Broker "oidc" is zitadel's
// provider with response_mode=form_post, broker "rogue" the provider
// fixture with front-channel logout. GET /whoami names the user or says
// "anonymous".
type crossSiteApp struct {
	base     string
	provider *oidctest.Provider
	rogue    *oidctest.Rogue
}

func startCrossSiteApp(t *testing.T) *crossSiteApp {
	t.Helper()
	srv := httptest.NewUnstartedServer(nil)
	a := &crossSiteApp{base: "http://localhost:" + strings.TrimPrefix(srv.Listener.Addr().String(), "127.0.0.1:")}
	a.provider = oidctest.Start(t, oidctest.Options{RedirectURI: a.base + "/auth/callback/oidc", PostLogoutRedirectURIs: []string{a.base + "/"}})
	a.rogue = oidctest.StartRogue(t, "rp")
	zitadel, err := oidcbroker.New(oidcbroker.Config{Broker: "oidc", Endpoint: a.provider.Issuer, ClientID: a.provider.ClientID,
		ClientSecret: a.provider.ClientSecret, RedirectURL: a.provider.RedirectURI, ResponseMode: "form_post"})
	if err != nil {
		t.Fatal(err)
	}
	rogue, err := oidcbroker.New(oidcbroker.Config{Broker: "rogue", Endpoint: a.rogue.Issuer, ClientID: "rp", ClientSecret: "s",
		RedirectURL: a.base + "/auth/callback/rogue", FrontChannelLogout: true})
	if err != nil {
		t.Fatal(err)
	}
	repo := memorystore.New(memorystore.Options{MaxAge: time.Hour})
	t.Cleanup(func() { _ = repo.Close() })
	indexed := application.NewIndexedRepository(repo, time.Hour)
	manager := application.NewAuthManager(map[string]domain.IdentityProvider{"oidc": zitadel, "rogue": rogue},
		application.Options{Sessions: application.NewUserSessions(indexed)})
	signer, err := cookiesigner.New("app", []string{"secret"}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	web.NewAuthController(manager, web.AuthControllerOptions{DefaultBroker: "oidc"}).Register(mux)
	mux.HandleFunc("GET /whoami", func(w http.ResponseWriter, r *http.Request) {
		u := (&application.UserService{}).GetUser(r.Context(), web.SessionFromContext(r.Context()))
		who := "anonymous"
		if u.Type == domain.UserTypeUser {
			who = u.Sub
		}
		_, _ = w.Write([]byte(`<!doctype html><p id="who">` + who + `</p>`))
	})
	srv.Config.Handler = web.NewSessionMiddleware(indexed, signer, web.SessionOptions{Name: "app", MaxAge: time.Hour}).Handler(mux)
	srv.Start()
	t.Cleanup(srv.Close)
	return a
}

// TestBrowserFormPostLogin logs in with response_mode=form_post in
// Chromium: zitadel's page POSTs the code to the callback from its own
// site, without the SameSite=Lax session cookie, and the login still
// completes in the same session.
func TestBrowserFormPostLogin(t *testing.T) {
	a := startCrossSiteApp(t)
	ctx := browsertest.New(t, 60*time.Second)
	var who, at string
	err := chromedp.Run(ctx,
		chromedp.Navigate(a.base+"/auth/login/oidc?redirecturl=/whoami"),
		chromedp.WaitVisible(`input[name="username"]`, chromedp.ByQuery),
		chromedp.SendKeys(`input[name="username"]`, oidctest.DefaultUser.Username, chromedp.ByQuery),
		chromedp.SendKeys(`input[name="password"]`, oidctest.DefaultUser.Password, chromedp.ByQuery),
		chromedp.Click(`button[type="submit"]`, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatalf("browser: %v", err)
	}
	settle(ctx, `#who, #error-message`) // through the provider's form_post page and ours
	err = chromedp.Run(ctx,
		chromedp.Location(&at),
		chromedp.Navigate(a.base+"/whoami"),
		chromedp.Text("#who", &who, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatalf("browser: %v", err)
	}
	if who != oidctest.DefaultUser.ID {
		t.Fatalf("after the form_post login (last at %s) /whoami says %q; want %q", at, who, oidctest.DefaultUser.ID)
	}
}

// settle waits until the tab shows an element matching selector, while
// pages that submit themselves navigate on: an evaluation that a
// navigation interrupts is asked again.
func settle(ctx context.Context, selector string) {
	for ctx.Err() == nil {
		var found bool
		err := chromedp.Run(ctx, chromedp.Evaluate(`document.readyState === "complete" && document.querySelector(`+strconv.Quote(selector)+`) !== null`, &found))
		if err == nil && found {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestBrowserFrontChannelLogout logs in with the provider fixture in
// Chromium, then opens the provider's logout page, which frames the
// front-channel logout URL from the provider's site: the session ends,
// though its SameSite=Lax cookie never reached the iframe.
func TestBrowserFrontChannelLogout(t *testing.T) {
	a := startCrossSiteApp(t)
	a.rogue.EditIDTokens(func(c map[string]any) { c["sid"] = "browser-sid" })
	ctx := browsertest.New(t, 60*time.Second)
	front := a.base + "/auth/frontchannel/rogue?" + url.Values{"iss": {a.rogue.Issuer}, "sid": {"browser-sid"}}.Encode()
	var before, title, after string
	err := chromedp.Run(ctx,
		chromedp.Navigate(a.base+"/auth/login/rogue?redirecturl=/whoami"),
		chromedp.WaitVisible("#who", chromedp.ByQuery),
		chromedp.Text("#who", &before, chromedp.ByQuery),
		chromedp.Navigate(a.rogue.Issuer+"/logout-frame?rp="+url.QueryEscape(front)),
		chromedp.Poll(`document.title === "frame loaded"`, nil),
		chromedp.Title(&title),
		chromedp.Navigate(a.base+"/whoami"),
		chromedp.Text("#who", &after, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatalf("browser: %v", err)
	}
	if before != oidctest.RogueSubject || after != "anonymous" {
		t.Fatalf("/whoami before the provider's logout page %q, after it %q; want %q, then anonymous", before, after, oidctest.RogueSubject)
	}
}
