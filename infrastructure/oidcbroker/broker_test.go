package oidcbroker_test

import (
	"context"
	"errors"
	"net/url"
	"testing"

	"golang.org/x/oauth2"

	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/infrastructure/oidcbroker"
	"github.com/sessionauth/sessionauth/internal/oidctest"
)

func newBroker(t *testing.T, p *oidctest.Provider, mutate func(*oidcbroker.Config)) *oidcbroker.Broker {
	t.Helper()
	cfg := oidcbroker.Config{
		Broker: "oidc", Endpoint: p.Issuer, ClientID: p.ClientID, ClientSecret: p.ClientSecret,
		RedirectURL: p.RedirectURI, Scopes: []string{"profile", "email"}, EnableOfflineToken: true,
		EnableEndSessionEndpoint: true,
	}
	if mutate != nil {
		mutate(&cfg)
	}
	b, err := oidcbroker.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// login runs the authorization code flow up to the callback and returns
// its query.
func login(t *testing.T, p *oidctest.Provider, b *oidcbroker.Broker, req domain.AuthCodeRequest) url.Values {
	t.Helper()
	authURL, err := b.AuthCodeURL(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	back, err := p.Login(context.Background(), p.Browser(), authURL, oidctest.DefaultUser.Username, oidctest.DefaultUser.Password)
	if err != nil {
		t.Fatal(err)
	}
	return back.Query()
}

func TestExchangeAgainstProvider(t *testing.T) {
	p := oidctest.Start(t, oidctest.Options{})
	b := newBroker(t, p, func(c *oidcbroker.Config) {
		c.Claims.IDToken = map[string]string{"client": "azp"}
		c.Claims.UserInfo = map[string]string{"email": "email", "name": "name", "firstname": "given_name", "lastname": "family_name", "locale": "locale"}
	})
	verifier := oauth2.GenerateVerifier()
	q := login(t, p, b, domain.AuthCodeRequest{State: "st", Nonce: "n-1", PKCEVerifier: verifier})
	if q.Get("state") != "st" || q.Get("code") == "" {
		t.Fatalf("callback query %v", q)
	}
	id, err := b.Exchange(context.Background(), q.Get("code"), verifier, "n-1")
	if err != nil {
		t.Fatal(err)
	}
	u := id.User
	if id.Subject != oidctest.DefaultUser.ID || u.Sub != id.Subject || u.Email != oidctest.DefaultUser.Email ||
		u.FirstName != "Alice" || u.LastName != "Liddell" || u.Name == "" || u.Type != domain.UserTypeUser {
		t.Fatalf("identity %+v", id)
	}
	if id.IDToken.Issuer != p.Issuer || id.IDToken.Nonce != "n-1" || id.RefreshToken == "" || id.AccessToken == "" {
		t.Fatalf("tokens %+v", id)
	}
	if u.CustomFields["locale"] != "en" || u.CustomFields["client"] != p.ClientID {
		t.Fatalf("custom field locale not mapped: %+v", u)
	}
}

func TestExchangeFailures(t *testing.T) {
	p := oidctest.Start(t, oidctest.Options{})
	b := newBroker(t, p, nil)
	tests := []struct {
		name           string
		verifier       func(good string) string
		nonce          string
		replay         bool
		want           error
		wantProviderEr string
	}{
		{name: "wrong nonce", verifier: same, nonce: "other", want: domain.ErrNonceMismatch},
		{name: "empty nonce", verifier: same, nonce: "", want: domain.ErrNonceMismatch},
		{name: "wrong PKCE verifier", verifier: func(string) string { return oauth2.GenerateVerifier() }, nonce: "n", want: domain.ErrProviderError, wantProviderEr: "invalid_grant"},
		{name: "replayed code", verifier: same, nonce: "n", replay: true, want: domain.ErrProviderError, wantProviderEr: "invalid_grant"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			verifier := oauth2.GenerateVerifier()
			q := login(t, p, b, domain.AuthCodeRequest{State: "s", Nonce: "n", PKCEVerifier: verifier})
			if tt.replay {
				if _, err := b.Exchange(context.Background(), q.Get("code"), verifier, "n"); err != nil {
					t.Fatal(err)
				}
			}
			_, err := b.Exchange(context.Background(), q.Get("code"), tt.verifier(verifier), tt.nonce)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			var pe *domain.ProviderError
			if tt.wantProviderEr != "" && (!errors.As(err, &pe) || pe.Code != tt.wantProviderEr) {
				t.Fatalf("err = %v, want provider error %q", err, tt.wantProviderEr)
			}
		})
	}
}

func same(s string) string { return s }

func TestRefreshRotatesAgainstProvider(t *testing.T) {
	p := oidctest.Start(t, oidctest.Options{})
	b := newBroker(t, p, nil)
	verifier := oauth2.GenerateVerifier()
	q := login(t, p, b, domain.AuthCodeRequest{State: "s", Nonce: "n", PKCEVerifier: verifier})
	first, err := b.Exchange(context.Background(), q.Get("code"), verifier, "n")
	if err != nil {
		t.Fatal(err)
	}
	second, err := b.Refresh(context.Background(), first)
	if err != nil {
		t.Fatal(err)
	}
	if second.RefreshToken == first.RefreshToken || second.AccessToken == first.AccessToken || second.Subject != first.Subject {
		t.Fatalf("refresh did not renew the tokens: %+v", second)
	}
	if _, err := b.Refresh(context.Background(), first); !errors.Is(err, domain.ErrRefreshRejected) {
		t.Fatalf("reusing the rotated refresh token: err = %v, want ErrRefreshRejected", err)
	}
	if p.RefreshCount() != 2 {
		t.Fatalf("provider saw %d refreshes, want 2", p.RefreshCount())
	}
}

func TestEndSessionURL(t *testing.T) {
	p := oidctest.Start(t, oidctest.Options{})
	tests := []struct {
		name    string
		enabled bool
		want    bool
	}{{"enabled", true, true}, {"disabled", false, false}}
	for _, tt := range tests {
		b := newBroker(t, p, func(c *oidcbroker.Config) { c.EnableEndSessionEndpoint = tt.enabled })
		raw, ok := b.EndSessionURL(context.Background(), "the-id-token", "http://app.test/")
		if ok != tt.want {
			t.Fatalf("%s: ok = %v", tt.name, ok)
		}
		if !ok {
			continue
		}
		q := mustQuery(t, raw)
		if q.Get("id_token_hint") != "the-id-token" || q.Get("post_logout_redirect_uri") != "http://app.test/" || q.Get("client_id") != p.ClientID {
			t.Fatalf("%s: end session URL %s", tt.name, raw)
		}
	}
}

// With no claims configured, the user's profile comes from the ID token
// when the provider puts it there, and from the userinfo endpoint when it
// does not, as zitadel's default client and OpenID Connect Core 5.4 have it.
func TestExchangeFillsTheProfileWithoutClaimMapping(t *testing.T) {
	for _, inIDToken := range []bool{true, false} {
		p := oidctest.Start(t, oidctest.Options{ClaimsInIDToken: inIDToken})
		b := newBroker(t, p, nil)
		verifier := oauth2.GenerateVerifier()
		q := login(t, p, b, domain.AuthCodeRequest{State: "st", Nonce: "n", PKCEVerifier: verifier})
		id, err := b.Exchange(context.Background(), q.Get("code"), verifier, "n")
		if err != nil {
			t.Fatal(err)
		}
		want := domain.User{Sub: oidctest.DefaultUser.ID, Type: domain.UserTypeUser, Name: "Alice Liddell",
			Email: oidctest.DefaultUser.Email, FirstName: "Alice", LastName: "Liddell"}
		if u := id.User; u.Sub != want.Sub || u.Name != want.Name || u.Email != want.Email || u.FirstName != want.FirstName ||
			u.LastName != want.LastName || u.Type != want.Type {
			t.Errorf("claims in the ID token %v: user %+v, want %+v", inIDToken, u, want)
		}
		// userinfo is asked only for what the ID token lacks
		if n, want := p.UserInfoCount(), map[bool]int64{true: 0, false: 1}[inIDToken]; n != want {
			t.Errorf("claims in the ID token %v: %d userinfo requests, want %d", inIDToken, n, want)
		}
	}
}

// TestEndSessionRequestURL: client_id, id_token_hint, logout_hint, and
// the state only with the state-checking return.
func TestEndSessionRequestURL(t *testing.T) {
	p := oidctest.Start(t, oidctest.Options{})
	ret := "http://app.test/auth/loggedout"
	b := newBroker(t, p, func(c *oidcbroker.Config) { c.PostLogoutRedirectURIs = []string{ret, "http://app.test/"} })
	req := domain.EndSessionRequest{IDTokenHint: "the-id-token", StateReturnURL: ret, PostLogoutRedirect: "http://app.test/",
		State: "the-state", LogoutHint: "alice@example.test"}
	raw, back, ok := b.EndSessionRequestURL(context.Background(), req)
	u, err := url.Parse(raw)
	if !ok || err != nil || back != ret {
		t.Fatalf("EndSessionRequestURL = %q, %q, %v", raw, back, ok)
	}
	want := url.Values{"client_id": {p.ClientID}, "id_token_hint": {"the-id-token"}, "logout_hint": {"alice@example.test"},
		"post_logout_redirect_uri": {ret}, "state": {"the-state"}}
	if u.Query().Encode() != want.Encode() {
		t.Fatalf("query %v; want %v", u.Query(), want)
	}
	req.StateReturnURL = "http://app.test/unregistered"
	raw, back, _ = b.EndSessionRequestURL(context.Background(), req)
	if u, _ := url.Parse(raw); back != "http://app.test/" || u.Query().Has("state") || u.Query().Get("post_logout_redirect_uri") != back {
		t.Fatalf("with an unregistered return: %q back to %q; want the registered post-logout redirect, without a state", raw, back)
	}
}

// TestResponseModeFormPost: form_post is asked for in the authorization
// URL; the query mode sends nothing.
func TestResponseModeFormPost(t *testing.T) {
	p := oidctest.Start(t, oidctest.Options{})
	for mode, want := range map[string]string{"": "", "query": "", "form_post": "form_post"} {
		b := newBroker(t, p, func(c *oidcbroker.Config) { c.ResponseMode = mode })
		raw, err := b.AuthCodeURL(context.Background(), domain.AuthCodeRequest{State: "s", Nonce: "n", PKCEVerifier: "v"})
		u, _ := url.Parse(raw)
		if err != nil || u.Query().Get("response_mode") != want {
			t.Errorf("mode %q: %q, %v; want response_mode %q", mode, raw, err, want)
		}
	}
	if _, err := oidcbroker.New(oidcbroker.Config{Broker: "x", Endpoint: p.Issuer, ClientID: "c", ResponseMode: "fragment"}); err == nil {
		t.Error("response mode fragment accepted")
	}
}
