package application_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/golang/mock/gomock"

	"github.com/sessionauth/sessionauth/application"
	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/mocks"
)

// revokingBroker is a broker with the power to revoke tokens.
type revokingBroker struct {
	*mocks.MockIdentityProvider
	*mocks.MockTokenRevoker
}

// TestLogoutRevokesTokens: a logout hands the login's tokens to a broker
// that can revoke them; when the revocation fails, the logout still ends
// the session and sends the browser to the provider, and the warning it
// logs holds no token.
func TestLogoutRevokesTokens(t *testing.T) {
	for _, fail := range []bool{false, true} {
		t.Run(map[bool]string{false: "revoked", true: "refused"}[fail], func(t *testing.T) {
			ctrl := gomock.NewController(t)
			b := revokingBroker{mocks.NewMockIdentityProvider(ctrl), mocks.NewMockTokenRevoker(ctrl)}
			var logs bytes.Buffer
			m := application.NewAuthManager(map[string]domain.IdentityProvider{"idp": b},
				application.Options{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
			s := domain.RestoreSession(domain.NewSessionID(), map[string][]byte{}, time.Now().Add(time.Hour))
			b.MockIdentityProvider.EXPECT().AuthCodeURL(gomock.Any(), gomock.Any()).DoAndReturn(
				func(_ context.Context, req domain.AuthCodeRequest) (string, error) {
					return "https://idp.example/?state=" + req.State, nil
				})
			authURL, err := m.LoginStart(context.Background(), s, "idp", "/")
			if err != nil {
				t.Fatal(err)
			}
			id := &domain.Identity{Broker: "idp", Subject: "alice", AccessToken: "access-secret", RefreshToken: "refresh-secret",
				IDToken: domain.IDToken{Subject: "alice", Raw: "raw-id-token", Payload: []byte(`{"sub":"alice"}`)},
				User:    domain.User{Sub: "alice", Type: domain.UserTypeUser}}
			b.MockIdentityProvider.EXPECT().CheckIssuer(gomock.Any(), "").Return(nil)
			b.MockIdentityProvider.EXPECT().Exchange(gomock.Any(), "code", gomock.Any(), gomock.Any()).Return(id, nil)
			if _, err := m.Callback(context.Background(), s, "idp", url.Values{"state": {mustState(t, authURL)}, "code": {"code"}}); err != nil {
				t.Fatal(err)
			}
			var revokeErr error
			if fail {
				revokeErr = errors.New(`oidc broker "idp": revoking the refresh token: the provider answered 401 invalid_client`)
			}
			b.MockTokenRevoker.EXPECT().RevokeTokens(gomock.Any(), gomock.Any()).DoAndReturn(
				func(_ context.Context, got *domain.Identity) error {
					if got.RefreshToken != "refresh-secret" || got.AccessToken != "access-secret" {
						t.Errorf("RevokeTokens got refresh %q, access %q", got.RefreshToken, got.AccessToken)
					}
					return revokeErr
				})
			b.MockIdentityProvider.EXPECT().EndSessionURL(gomock.Any(), "raw-id-token", "https://shop.example/").Return("https://idp.example/logout", true)
			res := m.LogoutWith(context.Background(), s, "", application.LogoutRequest{PostLogoutRedirect: "https://shop.example/"})
			if res.URL != "https://idp.example/logout" {
				t.Fatalf("LogoutWith = %+v, want the provider's end-session URL", res)
			}
			if _, err := m.Identity(context.Background(), s); !errors.Is(err, domain.ErrNotLoggedIn) {
				t.Fatalf("after logout: %v, want ErrNotLoggedIn", err)
			}
			warned := strings.Contains(logs.String(), "did not revoke the login's tokens")
			if warned != fail || strings.Contains(logs.String(), "secret") {
				t.Fatalf("log (warning expected: %v, no token):\n%s", fail, logs.String())
			}
		})
	}
}
