package sessionauth_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"flamingo.me/dingo"
	"github.com/chromedp/chromedp"
	"github.com/go-jose/go-jose/v4"

	"github.com/sessionauth/sessionauth"
	"github.com/sessionauth/sessionauth/internal/oidctest"
)

// clientKey is the private key docs/auth.md's private_key_jwt block reads
// from OIDC_PRIVATE_KEY: an EC P-256 key, as PEM.
var clientKey, clientKeyPEM = func() (*ecdsa.PrivateKey, string) {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		panic(err)
	}
	return k, string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
}()

// runPrivateKeyJWT: docs/auth.md's private_key_jwt block at zitadel's
// provider, which has the client registered with the public half of the
// key under the block's privateKeyID and accepts no secret from it. A
// person logs in in Chromium (code exchange) and the access token, issued
// for 5 seconds (within the refresh leeway of 10), is refreshed by
// AuthManager.HTTPClient's call to the userinfo endpoint: both calls to the token endpoint with an assertion.
// The test overrides core.auth.web.baseURL and the broker's endpoint.
func runPrivateKeyJWT(t *testing.T, m *matrix, cfg map[string]any) {
	app := newMatrixApp(t, false)
	override(t, cfg, "core.auth.web.baseURL", app.URL)
	b := broker(t, cfg, "corp")
	kid, _ := b["privateKeyID"].(string)
	id, _ := b["clientID"].(string)
	p := oidctest.Start(t, oidctest.Options{
		ClientID: id, ClientSecret: "not the client's way in", ClientKey: &jose.JSONWebKey{Key: clientKey.Public(), KeyID: kid},
		RedirectURI: app.URL + "/auth/callback/corp", PostLogoutRedirectURIs: []string{app.URL + "/"},
		AccessTokenLifetime: 5 * time.Second, RefreshedTokenLifetime: 10 * time.Minute,
	})
	b["endpoint"] = p.Issuer
	app.start(t, cfg)
	u := oidctest.DefaultUser
	m.checkOIDC(t, app, p, "corp", map[string]string{"name": u.FirstName + " " + u.LastName, "email": u.Email,
		"first": u.FirstName, "last": u.LastName, "type": "user"})
	if p.ExchangeCount() != 1 || p.RefreshCount() < 1 {
		t.Errorf("the provider redeemed %d codes and %d refresh tokens, want 1 and at least 1", p.ExchangeCount(), p.RefreshCount())
	}
}

// runPAR: docs/auth.md's usePAR block at a provider fixture that announces
// a pushed authorization request endpoint (zitadel's provider has none). A
// login in Chromium pushes the request with the client's secret in the
// Basic header, the browser reaches the provider with client_id and
// request_uri only, and the person comes back logged in. The test
// overrides core.auth.web.baseURL and the broker's endpoint.
func runPAR(t *testing.T, m *matrix, cfg map[string]any) {
	app := newMatrixApp(t, false)
	override(t, cfg, "core.auth.web.baseURL", app.URL)
	b := broker(t, cfg, "corp")
	id, _ := b["clientID"].(string)
	secret, _ := b["clientSecret"].(string)
	r := oidctest.StartRogue(t, id)
	r.EnablePAR(false)
	b["endpoint"] = r.Issuer
	app.start(t, cfg)
	var location string
	err := m.run(
		chromedp.Navigate(app.URL+"/auth/login/corp?redirecturl=/whoami"),
		chromedp.WaitVisible("#logout", chromedp.ByQuery),
		chromedp.Location(&location),
	)
	if err != nil {
		t.Fatalf("log in through a pushed request in Chromium: %v", err)
	}
	wantEqual(t, "after the login /whoami", m.page(t, app.URL+"/whoami", "type", "email"),
		map[string]string{"type": "user", "email": oidctest.RogueSubject + "@rogue.test"})
	pushed, auth := r.Pushed(), r.PushedAuthorization()
	if len(pushed) != 1 || pushed[0].Get("redirect_uri") != app.URL+"/auth/callback/corp" || pushed[0].Get("state") == "" ||
		pushed[0].Get("code_challenge_method") != "S256" {
		t.Fatalf("pushed requests %v", pushed)
	}
	if want := "Basic " + base64.StdEncoding.EncodeToString([]byte(id+":"+secret)); auth[0] != want {
		t.Errorf("pushed with Authorization %q, want the client's Basic credentials", auth[0])
	}
	if !strings.HasPrefix(location, app.URL+"/whoami") {
		t.Errorf("the login ended at %s", location)
	}
}

// TestUsePARWithoutEndpoint: usePAR at a provider whose discovery has no
// pushed authorization request endpoint fails the login start with the
// error page and logs what to do; the browser is not sent to the provider.
func TestUsePARWithoutEndpoint(t *testing.T) {
	r := oidctest.StartRogue(t, "shop")
	logs := new(syncBuffer)
	logger := dingo.ModuleFunc(func(i *dingo.Injector) {
		i.Bind(new(slog.Logger)).ToInstance(slog.New(slog.NewTextHandler(logs, nil)))
	})
	sa, err := sessionauth.New(map[string]any{"flamingo.session.secret": "a session secret of 32 bytes or more",
		"core.auth.web.broker": []any{map[string]any{"broker": "corp", "typ": "oidc", "endpoint": r.Issuer,
			"clientID": "shop", "clientSecret": "s", "redirectURL": "http://app.test/auth/callback/corp", "usePAR": true}}}, logger)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sa.Handler(http.NewServeMux()))
	t.Cleanup(srv.Close)
	resp, err := http.DefaultTransport.RoundTrip(mustRequest(t, srv.URL+"/auth/login/corp"))
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	want := "usePAR is set but the provider's discovery announces no pushed_authorization_request_endpoint; " +
		"enable pushed authorization requests at the provider, or remove usePAR from the broker's configuration"
	if resp.StatusCode != http.StatusBadGateway || resp.Header.Get("Location") != "" || !strings.Contains(logs.String(), want) {
		t.Fatalf("login start: %d to %q; logs:\n%s", resp.StatusCode, resp.Header.Get("Location"), logs)
	}
}

func mustRequest(t *testing.T, u string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

// runRevokeAtLogout: docs/auth.md's revokeTokensAtLogout block at
// zitadel's provider. A login in Chromium and the logout; the provider
// accepted two revocation requests of the client (the refresh and the
// access token). The test overrides core.auth.web.baseURL and the broker's
// endpoint.
func runRevokeAtLogout(t *testing.T, m *matrix, cfg map[string]any) {
	app := newMatrixApp(t, false)
	override(t, cfg, "core.auth.web.baseURL", app.URL)
	p := startProvider(t, cfg, app, "corp", false)
	app.start(t, cfg)
	u := oidctest.DefaultUser
	m.checkOIDC(t, app, p, "corp", map[string]string{"name": u.FirstName + " " + u.LastName, "email": u.Email,
		"first": u.FirstName, "last": u.LastName, "type": "user"})
	if n := p.RevocationCount(); n != 2 {
		t.Errorf("the provider accepted %d revocation requests at the logout, want 2 (refresh and access token)", n)
	}
}
