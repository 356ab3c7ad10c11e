package fakebroker_test

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/sessionauth/sessionauth/application"
	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/infrastructure/fakebroker"
)

func newBroker(t *testing.T) (*fakebroker.Broker, *application.AuthManager) {
	t.Helper()
	b, err := fakebroker.New(fakebroker.Config{Broker: "fake", Users: []fakebroker.User{{
		Username: "bob", Password: "pw",
		User: domain.User{Name: "Bob", Email: "bob@example.test", Groups: []string{"admins"}, CustomFields: map[string]string{"tenant": "t1"}},
	}}})
	if err != nil {
		t.Fatal(err)
	}
	return b, application.NewAuthManager(map[string]domain.IdentityProvider{"fake": b}, application.Options{})
}

// form returns the query the login form receives for a started login.
func form(t *testing.T, m *application.AuthManager, s *domain.Session) url.Values {
	t.Helper()
	authURL, err := m.LoginStart(context.Background(), s, "fake", "/home")
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(authURL)
	if err != nil || u.Path != "/auth/fake/fake/login" {
		t.Fatalf("auth URL %q, %v", authURL, err)
	}
	return u.Query()
}

func callbackQuery(t *testing.T, raw string) url.Values {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil || !strings.HasPrefix(raw, "/auth/callback/fake?") {
		t.Fatalf("callback URL %q, %v", raw, err)
	}
	return u.Query()
}

func TestLoginThroughAuthManager(t *testing.T) {
	b, m := newBroker(t)
	s := domain.NewSession()
	redirect, err := b.Authorize("bob", "pw", form(t, m, s))
	if err != nil {
		t.Fatal(err)
	}
	back, err := m.Callback(context.Background(), s, "fake", callbackQuery(t, redirect))
	if err != nil || back != "/home" {
		t.Fatalf("Callback = %q, %v", back, err)
	}
	u := (&application.UserService{}).GetUser(context.Background(), s)
	if u.Sub != "bob" || u.Email != "bob@example.test" || u.Groups[0] != "admins" || u.CustomFields["tenant"] != "t1" || u.Type != domain.UserTypeUser {
		t.Fatalf("user %+v", u)
	}
	tok, err := m.IDToken(context.Background(), s)
	var claims struct {
		Tenant string   `json:"tenant"`
		Groups []string `json:"groups"`
	}
	if err != nil || tok.Issuer != b.Issuer() || tok.Claims(&claims) != nil || claims.Tenant != "t1" || claims.Groups[0] != "admins" {
		t.Fatalf("IDToken = %+v, %v, claims %+v", tok, err, claims)
	}
	first, _ := m.Identity(context.Background(), s)
	second, err := m.RefreshIdentity(context.Background(), s)
	if err != nil || second.RefreshToken == first.RefreshToken || second.AccessToken == first.AccessToken {
		t.Fatalf("refresh: %+v, %v", second, err)
	}
	if _, err := b.Refresh(context.Background(), first); !errors.Is(err, domain.ErrRefreshRejected) {
		t.Fatalf("rotated refresh token reused: err = %v", err)
	}
	if who, ok := b.Introspect(second.AccessToken); !ok || who.Sub != "bob" {
		t.Fatalf("Introspect(access token) = %+v, %v; want bob", who, ok)
	}
	if _, ok := b.Introspect("made-up"); ok {
		t.Fatal("Introspect accepts a token it never issued")
	}
}

func TestLoginFailures(t *testing.T) {
	tests := []struct {
		name string
		run  func(t *testing.T, b *fakebroker.Broker, m *application.AuthManager, s *domain.Session, q url.Values) error
		want error
	}{
		{name: "wrong password", want: domain.ErrInvalidCredentials, run: func(t *testing.T, b *fakebroker.Broker, _ *application.AuthManager, _ *domain.Session, q url.Values) error {
			_, err := b.Authorize("bob", "guess", q)
			return err
		}},
		{name: "unknown user", want: domain.ErrInvalidCredentials, run: func(t *testing.T, b *fakebroker.Broker, _ *application.AuthManager, _ *domain.Session, q url.Values) error {
			_, err := b.Authorize("mallory", "pw", q)
			return err
		}},
		{name: "cancelled", want: domain.ErrProviderError, run: func(t *testing.T, b *fakebroker.Broker, m *application.AuthManager, s *domain.Session, q url.Values) error {
			_, err := m.Callback(context.Background(), s, "fake", callbackQuery(t, b.Deny(q)))
			return err
		}},
		{name: "iss of another broker", want: domain.ErrIssuerMismatch, run: func(t *testing.T, b *fakebroker.Broker, m *application.AuthManager, s *domain.Session, q url.Values) error {
			redirect, _ := b.Authorize("bob", "pw", q)
			cq := callbackQuery(t, redirect)
			cq.Set("iss", "urn:sessionauth:fake:other")
			_, err := m.Callback(context.Background(), s, "fake", cq)
			return err
		}},
		{name: "replayed code", want: domain.ErrInvalidCode, run: func(t *testing.T, b *fakebroker.Broker, m *application.AuthManager, s *domain.Session, q url.Values) error {
			redirect, _ := b.Authorize("bob", "pw", q)
			if _, err := m.Callback(context.Background(), s, "fake", callbackQuery(t, redirect)); err != nil {
				return err
			}
			next := callbackQuery(t, redirect)
			next.Set("state", form(t, m, s).Get("state"))
			_, err := m.Callback(context.Background(), s, "fake", next)
			return err
		}},
		{name: "code of another login", want: domain.ErrInvalidCode, run: func(t *testing.T, b *fakebroker.Broker, m *application.AuthManager, s *domain.Session, q url.Values) error {
			redirect, _ := b.Authorize("bob", "pw", q) // PKCE challenge of the first login
			cq := callbackQuery(t, redirect)
			cq.Set("state", form(t, m, s).Get("state")) // presented with the second login's state and verifier
			_, err := m.Callback(context.Background(), s, "fake", cq)
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, m := newBroker(t)
			s := domain.NewSession()
			if err := tt.run(t, b, m, s, form(t, m, s)); !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
		})
	}
}

// TestLoginMeetsStepUp: the fake broker's login is as recent and as strong
// as a step-up asks (max_age, acr_values), so step-up routes work in
// development; the refresh keeps auth_time and acr.
func TestLoginMeetsStepUp(t *testing.T) {
	b, m := newBroker(t)
	s := domain.NewSession()
	authURL, err := m.LoginStartWithParams(context.Background(), s, "fake", "/pay", url.Values{"max_age": {"60"}, "acr_values": {"gold silver"}})
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(authURL)
	redirect, err := b.Authorize("bob", "pw", u.Query())
	if err != nil {
		t.Fatal(err)
	}
	if back, err := m.Callback(context.Background(), s, "fake", callbackQuery(t, redirect)); err != nil || back != "/pay" {
		t.Fatalf("Callback = %q, %v; want the step-up met", back, err)
	}
	id, _ := m.Identity(context.Background(), s)
	var claims struct {
		ACR string `json:"acr"`
	}
	if id.ACR != "gold" || id.AuthTime.IsZero() || id.IDToken.Claims(&claims) != nil || claims.ACR != "gold" {
		t.Fatalf("identity acr %q, auth time %v, ID token acr %q; want gold, the login's time", id.ACR, id.AuthTime, claims.ACR)
	}
	refreshed, err := m.RefreshIdentity(context.Background(), s)
	if err != nil || refreshed.ACR != "gold" || !refreshed.AuthTime.Equal(id.AuthTime) {
		t.Fatalf("refresh: %+v, %v; want acr and auth time kept", refreshed, err)
	}
}
