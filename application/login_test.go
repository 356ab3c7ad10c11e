package application_test

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/golang/mock/gomock"

	"github.com/sessionauth/sessionauth/application"
	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/mocks"
)

func pendingKeys(s *domain.Session) []string {
	var keys []string
	for _, k := range s.Keys() {
		if strings.HasPrefix(k, "sessionauth.login.") {
			keys = append(keys, k)
		}
	}
	return keys
}

func TestLoginStart(t *testing.T) {
	f := newFixture(t, application.Options{})
	s := domain.NewSession()
	a := f.start(t, s, "https://evil.example/")
	b := f.start(t, s, "/account")
	for _, v := range []string{a.State, a.Nonce, a.PKCEVerifier, b.State} {
		if len(v) < 43 {
			t.Fatalf("value %q is too short to be 256 random bits", v)
		}
	}
	if a.State == b.State || a.Nonce == b.Nonce || a.PKCEVerifier == b.PKCEVerifier || a.State == a.Nonce {
		t.Fatalf("flows share secrets: %+v %+v", a, b)
	}
	if n := len(pendingKeys(s)); n != 2 {
		t.Fatalf("%d pending logins, want 2", n)
	}
	if _, err := s.Changes(0); err != nil {
		t.Fatalf("pending logins cannot be stored with gob: %v", err)
	}

	f.broker.EXPECT().AuthCodeURL(gomock.Any(), gomock.Any()).Return("", domain.ErrProviderUnavailable)
	if _, err := f.m.LoginStart(context.Background(), s, "idp", "/"); !errors.Is(err, domain.ErrProviderUnavailable) {
		t.Fatalf("err = %v", err)
	}
	if _, err := f.m.LoginStart(context.Background(), s, "nope", "/"); !errors.Is(err, domain.ErrUnknownBroker) {
		t.Fatalf("err = %v", err)
	}
	if n := len(pendingKeys(s)); n != 2 {
		t.Fatalf("failed starts left pending logins: %d", n)
	}
}

func TestPendingLoginsAreBounded(t *testing.T) {
	f := newFixture(t, application.Options{MaxPending: 3})
	s := domain.NewSession()
	var reqs []domain.AuthCodeRequest
	for range 5 {
		reqs = append(reqs, f.start(t, s, "/"))
		f.clock.Advance(time.Second)
	}
	if n := len(pendingKeys(s)); n != 3 {
		t.Fatalf("%d pending logins, want 3", n)
	}
	_, err := f.m.Callback(context.Background(), s, "idp", url.Values{"state": {reqs[0].State}, "code": {"c"}})
	if !errors.Is(err, domain.ErrInvalidState) {
		t.Fatalf("oldest login: err = %v, want ErrInvalidState", err)
	}
	f.broker.EXPECT().CheckIssuer(gomock.Any(), "").Return(nil)
	f.broker.EXPECT().Exchange(gomock.Any(), "c", reqs[4].PKCEVerifier, reqs[4].Nonce).Return(identityFor("u", time.Time{}), nil)
	if _, err := f.m.Callback(context.Background(), s, "idp", url.Values{"state": {reqs[4].State}, "code": {"c"}}); err != nil {
		t.Fatalf("newest login: %v", err)
	}
}

func TestCallbackRejects(t *testing.T) {
	tests := []struct {
		name   string
		query  func(state string) url.Values
		broker string
		setup  func(f *fixture, req domain.AuthCodeRequest)
		want   error
		code   string
	}{
		{name: "unknown state", query: func(string) url.Values { return url.Values{"state": {"forged"}, "code": {"c"}} }, want: domain.ErrInvalidState},
		{name: "no state", query: func(string) url.Values { return url.Values{"code": {"c"}} }, want: domain.ErrInvalidState},
		{name: "expired state", query: withCode, setup: func(f *fixture, _ domain.AuthCodeRequest) { f.clock.Advance(31 * time.Minute) }, want: domain.ErrInvalidState},
		{name: "state of another broker", query: withCode, broker: "other", want: domain.ErrInvalidState},
		{name: "unknown broker", query: withCode, broker: "nope", want: domain.ErrUnknownBroker},
		{name: "issuer mismatch", query: func(st string) url.Values {
			return url.Values{"state": {st}, "code": {"c"}, "iss": {"https://evil.example"}}
		},
			setup: func(f *fixture, _ domain.AuthCodeRequest) {
				f.broker.EXPECT().CheckIssuer(gomock.Any(), "https://evil.example").Return(domain.ErrIssuerMismatch)
			}, want: domain.ErrIssuerMismatch},
		{name: "provider error", query: func(st string) url.Values {
			return url.Values{"state": {st}, "error": {"access_denied"}, "error_description": {"user cancelled"}}
		}, setup: expectIssuerOK, want: domain.ErrProviderError, code: "access_denied"},
		{name: "no code", query: func(st string) url.Values { return url.Values{"state": {st}} }, setup: expectIssuerOK},
		{name: "nonce mismatch", query: withCode, setup: func(f *fixture, req domain.AuthCodeRequest) {
			expectIssuerOK(f, req)
			f.broker.EXPECT().Exchange(gomock.Any(), "c", req.PKCEVerifier, req.Nonce).Return(nil, domain.ErrNonceMismatch)
		}, want: domain.ErrNonceMismatch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			other := mocks.NewMockIdentityProvider(gomock.NewController(t))
			f := newFixture(t, application.Options{})
			f.m = application.NewAuthManager(map[string]domain.IdentityProvider{"idp": f.broker, "other": other}, application.Options{Clock: f.clock.Now})
			s := storedSession()
			req := f.start(t, s, "/")
			if tt.setup != nil {
				tt.setup(f, req)
			}
			broker := "idp"
			if tt.broker != "" {
				broker = tt.broker
			}
			_, err := f.m.Callback(context.Background(), s, broker, tt.query(req.State))
			if err == nil || tt.want != nil && !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			var pe *domain.ProviderError
			if tt.code != "" && (!errors.As(err, &pe) || pe.Code != tt.code || pe.Description != "user cancelled") {
				t.Fatalf("err = %v, want provider error %q", err, tt.code)
			}
			if (&application.UserService{}).IsLoggedIn(context.Background(), s) {
				t.Fatal("a failed callback logged the user in")
			}
		})
	}
}

func withCode(state string) url.Values { return url.Values{"state": {state}, "code": {"c"}} }

func expectIssuerOK(f *fixture, _ domain.AuthCodeRequest) {
	f.broker.EXPECT().CheckIssuer(gomock.Any(), gomock.Any()).Return(nil)
}

func TestCallbackSuccess(t *testing.T) {
	ctrl := gomock.NewController(t)
	sub := mocks.NewMockLoginSubscriber(ctrl)
	f := newFixture(t, application.Options{Subscribers: []application.LoginSubscriber{sub}})
	s := storedSession()
	oldID := s.ID()
	req := f.start(t, s, "/orders?page=2")
	f.broker.EXPECT().CheckIssuer(gomock.Any(), "https://idp.example").Return(nil)
	f.broker.EXPECT().Exchange(gomock.Any(), "the-code", req.PKCEVerifier, req.Nonce).Return(identityFor("u1", time.Time{}), nil)
	sub.EXPECT().OnLogin(gomock.Any(), s, gomock.Any()).Do(func(_ context.Context, _ *domain.Session, id *domain.Identity) {
		if id.Subject != "u1" {
			t.Errorf("OnLogin identity %+v", id)
		}
	})
	query := url.Values{"state": {req.State}, "code": {"the-code"}, "iss": {"https://idp.example"}}
	back, err := f.m.Callback(context.Background(), s, "idp", query)
	if err != nil || back != "/orders?page=2" {
		t.Fatalf("Callback = %q, %v", back, err)
	}
	if u := (&application.UserService{}).GetUser(context.Background(), s); u.Sub != "u1" || u.Type != domain.UserTypeUser {
		t.Fatalf("user %+v", u)
	}
	c, err := s.Changes(0)
	if err != nil || c.PreviousID != oldID || c.ID == oldID {
		t.Fatalf("session not regenerated: %+v, %v", c, err)
	}
	if len(pendingKeys(s)) != 0 {
		t.Fatal("the pending login was kept")
	}
	if _, err := f.m.Callback(context.Background(), s, "idp", query); !errors.Is(err, domain.ErrInvalidState) {
		t.Fatalf("replayed callback: err = %v, want ErrInvalidState", err)
	}
}

// logoutRecorder is a subscriber with the optional logout power.
type logoutRecorder struct{ logins, logouts []string }

func (r *logoutRecorder) OnLogin(_ context.Context, _ *domain.Session, id *domain.Identity) {
	r.logins = append(r.logins, id.Subject)
}

func (r *logoutRecorder) OnLogout(_ context.Context, _ *domain.Session, id *domain.Identity) {
	r.logouts = append(r.logouts, id.Subject)
}

func TestLogout(t *testing.T) {
	tests := []struct {
		name       string
		loggedIn   bool
		endSession bool
		want       string
	}{
		{name: "end session URL", loggedIn: true, endSession: true, want: "https://idp.example/logout?id_token_hint=raw-id-token"},
		{name: "no end session endpoint", loggedIn: true, want: "https://app.example/"},
		{name: "nobody logged in", want: "https://app.example/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &logoutRecorder{}
			f := newFixture(t, application.Options{Subscribers: []application.LoginSubscriber{rec}})
			s := domain.NewSession()
			if tt.loggedIn {
				s = f.loggedIn(t, "u1", time.Time{})
				f.broker.EXPECT().EndSessionURL(gomock.Any(), "raw-id-token", "https://app.example/").Return(
					"https://idp.example/logout?id_token_hint=raw-id-token", tt.endSession)
			}
			got := f.m.Logout(context.Background(), s, "", "https://app.example/")
			if got != tt.want {
				t.Fatalf("Logout = %q, want %q", got, tt.want)
			}
			if !s.Destroyed() || (&application.UserService{}).IsLoggedIn(context.Background(), s) {
				t.Fatal("session not destroyed")
			}
			if tt.loggedIn != (len(rec.logouts) == 1) {
				t.Fatalf("logout events %v", rec.logouts)
			}
		})
	}
}
