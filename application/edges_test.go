package application_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/golang/mock/gomock"

	"github.com/sessionauth/sessionauth/application"
	"github.com/sessionauth/sessionauth/domain"
)

// A login may take exactly its state lifetime; a broker's lifetime of 0
// means the default. The code is redeemed with the callback URL the login
// started with.
func TestCallbackAtTheEndOfTheStateLifetime(t *testing.T) {
	for _, opts := range []application.Options{{}, {BrokerStateLifetimes: map[string]time.Duration{"idp": 0}}} {
		f := newFixture(t, opts)
		s := storedSession()
		ctx := domain.ContextWithCallbackURL(context.Background(), "https://shop.example/auth/callback/idp")
		var got domain.AuthCodeRequest
		f.broker.EXPECT().AuthCodeURL(gomock.Any(), gomock.Any()).DoAndReturn(
			func(_ context.Context, r domain.AuthCodeRequest) (string, error) {
				got = r
				return "https://idp.example/a", nil
			})
		if _, err := f.m.LoginStart(ctx, s, "idp", "/"); err != nil {
			t.Fatal(err)
		}
		f.clock.Advance(application.DefaultStateLifetime)
		var callbackURL string
		f.broker.EXPECT().CheckIssuer(gomock.Any(), "").Return(nil)
		f.broker.EXPECT().Exchange(gomock.Any(), "code", got.PKCEVerifier, got.Nonce).DoAndReturn(
			func(ctx context.Context, _, _, _ string) (*domain.Identity, error) {
				callbackURL = domain.CallbackURLFromContext(ctx)
				return identityFor("u1", f.clock.Now().Add(time.Hour)), nil
			})
		if _, err := f.m.Callback(context.Background(), s, "idp", url.Values{"state": {got.State}, "code": {"code"}}); err != nil {
			t.Fatalf("%+v: callback after exactly the state lifetime: %v", opts, err)
		}
		if callbackURL != "https://shop.example/auth/callback/idp" {
			t.Errorf("code redeemed with callback URL %q, want the login's", callbackURL)
		}
	}
}

// The user of an identity whose claims gave no sub is the token's subject;
// a token type the provider left out is Bearer.
func TestIdentityDefaults(t *testing.T) {
	var auth string
	api := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) { auth = r.Header.Get("Authorization") }))
	defer api.Close()
	f := newFixture(t, application.Options{})
	id := identityFor("u1", f.clock.Now().Add(time.Hour))
	id.User.Sub, id.TokenType = "", ""
	s := storedSession()
	s.Store(domain.IdentityKey, *id)
	if u := (&application.UserService{}).GetUser(context.Background(), s); u.Sub != "u1" {
		t.Errorf("user sub %q, want u1 (the ID token's subject)", u.Sub)
	}
	client, err := f.m.HTTPClient(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := client.Get(api.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if auth != "Bearer access-u1" {
		t.Errorf("Authorization %q, want Bearer access-u1", auth)
	}
	if _, err := f.m.HTTPClient(context.Background(), storedSession()); !errors.Is(err, domain.ErrNotLoggedIn) {
		t.Errorf("HTTPClient of a guest: %v", err)
	}
}
