package application_test

import (
	"context"
	"net/url"
	"testing"
	"time"

	"github.com/golang/mock/gomock"

	"github.com/sessionauth/sessionauth/application"
	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/mocks"
)

// endSessionBroker is a broker with the power to build end-session
// requests.
type endSessionBroker struct {
	*mocks.MockIdentityProvider
	*mocks.MockEndSessionRequester
}

// TestLogoutWithRequest: the broker gets the ID token as hint, its
// login_hint claim as logout hint, both return URLs and a fresh state;
// the state comes back only when the broker chose the state-checking
// return.
func TestLogoutWithRequest(t *testing.T) {
	for _, tc := range []struct {
		name      string
		chosen    string
		wantState bool
	}{
		{"the return chosen", "https://shop.example/auth/loggedout", true},
		{"the post-logout page chosen", "https://shop.example/", false},
		{"none chosen", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctrl := gomock.NewController(t)
			b := endSessionBroker{mocks.NewMockIdentityProvider(ctrl), mocks.NewMockEndSessionRequester(ctrl)}
			m := application.NewAuthManager(map[string]domain.IdentityProvider{"idp": b}, application.Options{})
			s := domain.RestoreSession(domain.NewSessionID(), map[string][]byte{}, time.Now().Add(time.Hour))
			b.MockIdentityProvider.EXPECT().AuthCodeURL(gomock.Any(), gomock.Any()).DoAndReturn(
				func(_ context.Context, req domain.AuthCodeRequest) (string, error) {
					return "https://idp.example/?state=" + req.State, nil
				})
			authURL, err := m.LoginStart(context.Background(), s, "idp", "/")
			if err != nil {
				t.Fatal(err)
			}
			state := mustState(t, authURL)
			id := &domain.Identity{Broker: "idp", Subject: "alice", IDToken: domain.IDToken{Subject: "alice", Raw: "raw-id-token",
				Payload: []byte(`{"sub":"alice","login_hint":"alice-hint"}`)}, User: domain.User{Sub: "alice", Type: domain.UserTypeUser}}
			b.MockIdentityProvider.EXPECT().CheckIssuer(gomock.Any(), "").Return(nil)
			b.MockIdentityProvider.EXPECT().Exchange(gomock.Any(), "code", gomock.Any(), gomock.Any()).Return(id, nil)
			if _, err := m.Callback(context.Background(), s, "idp", url.Values{"state": {state}, "code": {"code"}}); err != nil {
				t.Fatal(err)
			}
			var sent domain.EndSessionRequest
			b.MockEndSessionRequester.EXPECT().EndSessionRequestURL(gomock.Any(), gomock.Any()).DoAndReturn(
				func(_ context.Context, req domain.EndSessionRequest) (string, string, bool) {
					sent = req
					return "https://idp.example/logout", tc.chosen, true
				})
			res := m.LogoutWith(context.Background(), s, "", application.LogoutRequest{
				PostLogoutRedirect: "https://shop.example/", StateReturnURL: "https://shop.example/auth/loggedout"})
			if sent.IDTokenHint != "raw-id-token" || sent.LogoutHint != "alice-hint" || len(sent.State) < 43 ||
				sent.StateReturnURL != "https://shop.example/auth/loggedout" || sent.PostLogoutRedirect != "https://shop.example/" {
				t.Fatalf("the broker got %+v", sent)
			}
			if res.URL != "https://idp.example/logout" || (res.State == sent.State) != tc.wantState || (res.State != "") != tc.wantState {
				t.Fatalf("LogoutWith = %+v; want the state back: %v", res, tc.wantState)
			}
		})
	}
}

func mustState(t *testing.T, raw string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u.Query().Get("state")
}
