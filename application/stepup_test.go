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
)

func TestLoginQueryParams(t *testing.T) {
	tests := []struct {
		query string
		want  string // encoded; "!" for an error
	}{
		{"redirecturl=%2Fx", ""},
		{"prompt=login&redirecturl=%2Fx&login_hint=a", "prompt=login"},
		{"prompt=none", "prompt=none"},
		{"max_age=0", "max_age=0"},
		{"max_age=300&acr_values=gold+silver", "acr_values=gold+silver&max_age=300"},
		{"max_age=31622400", "max_age=31622400"},
		{"prompt=consent", "!"},
		{"prompt=login+none", "!"},
		{"prompt=", "!"},
		{"prompt=login&prompt=login", "!"},
		{"max_age=31622401", "!"},
		{"max_age=-1", "!"},
		{"max_age=1.5", "!"},
		{"max_age=", "!"},
		{"max_age=1&max_age=2", "!"},
		{"acr_values=", "!"},
		{"acr_values=" + strings.Repeat("a+", 9), "!"},
		{"acr_values=" + strings.Repeat("a", 129), "!"},
		{"acr_values=%C3%A9", "!"},
		{"acr_values=a&acr_values=b", "!"},
	}
	for _, tc := range tests {
		q, _ := url.ParseQuery(tc.query)
		got, err := application.LoginQueryParams(q)
		switch {
		case tc.want == "!" && !errors.Is(err, domain.ErrInvalidLoginRequest):
			t.Errorf("%s: %v, %v; want ErrInvalidLoginRequest", tc.query, got, err)
		case tc.want != "!" && (err != nil || got.Encode() != tc.want):
			t.Errorf("%s: %q, %v; want %q", tc.query, got.Encode(), err, tc.want)
		}
	}
}

// stepUpLogin starts a login with params, and the broker answers with id.
func (f *fixture) stepUpLogin(t *testing.T, s *domain.Session, params url.Values, id *domain.Identity) error {
	t.Helper()
	var req domain.AuthCodeRequest
	f.broker.EXPECT().AuthCodeURL(gomock.Any(), gomock.Any()).DoAndReturn(
		func(_ context.Context, r domain.AuthCodeRequest) (string, error) {
			req = r
			return "https://idp.example/authorize", nil
		})
	if _, err := f.m.LoginStartWithParams(context.Background(), s, "idp", "/page", params); err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(10 * time.Second) // the user at the provider's form
	f.broker.EXPECT().CheckIssuer(gomock.Any(), "").Return(nil)
	f.broker.EXPECT().Exchange(gomock.Any(), "code", req.PKCEVerifier, req.Nonce).Return(id, nil)
	_, err := f.m.Callback(context.Background(), s, "idp", url.Values{"state": {req.State}, "code": {"code"}})
	return err
}

// TestCallbackChecksWhatTheLoginAsked: the callback refuses an answer that
// does not meet max_age, acr_values or prompt=login of its authorization
// request, and the session's login stays as it was.
func TestCallbackChecksWhatTheLoginAsked(t *testing.T) {
	tests := []struct {
		name    string
		params  string
		age     time.Duration // of the new login's auth_time at the callback; -1: none
		acr     string
		refused bool
	}{
		{"max_age met", "max_age=60", 5 * time.Second, "", false},
		{"max_age: old auth_time", "max_age=60", 2 * time.Minute, "", true},
		{"max_age: no auth_time", "max_age=60", -1, "", true},
		{"max_age=0: authenticated during the login", "max_age=0", 5 * time.Second, "", false},
		{"max_age=0: authenticated before the login", "max_age=0", time.Minute, "", true},
		{"prompt=login: authenticated during the login", "prompt=login", 5 * time.Second, "", false},
		{"prompt=login: authenticated before the login", "prompt=login", time.Minute, "", true},
		{"prompt=login: no auth_time", "prompt=login", -1, "", true},
		{"prompt=none asks nothing", "prompt=none", -1, "", false},
		{"acr met", "acr_values=gold+platinum", -1, "platinum", false},
		{"acr weaker", "acr_values=gold", -1, "silver", true},
		{"acr missing", "acr_values=gold", -1, "", true},
		{"nothing asked", "", -1, "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, application.Options{})
			s := f.loggedIn(t, "alice", time.Time{})
			s.Store("cart", "3 items")
			before, _ := s.Try(domain.IdentityKey).(domain.Identity)
			next := identityFor("alice", time.Time{})
			next.AccessToken, next.ACR = "access-new", tc.acr
			if tc.age >= 0 {
				next.AuthTime = f.clock.Now().Add(10*time.Second - tc.age)
			}
			params, _ := url.ParseQuery(tc.params)
			err := f.stepUpLogin(t, s, params, next)
			after, _ := s.Try(domain.IdentityKey).(domain.Identity)
			if tc.refused {
				if !errors.Is(err, domain.ErrInsufficientAuthentication) {
					t.Fatalf("callback: %v; want ErrInsufficientAuthentication", err)
				}
				if after.AccessToken != before.AccessToken || after.ACR != before.ACR || !after.AuthTime.Equal(before.AuthTime) {
					t.Fatal("the refused login changed the session's identity")
				}
			} else if err != nil || after.AccessToken == before.AccessToken || after.ACR != tc.acr {
				t.Fatalf("callback: %v, identity %+v; want the new login stored", err, after)
			}
			if s.Try("cart") != "3 items" {
				t.Fatal("the session's other keys were lost")
			}
		})
	}
}

func TestLoginStartRefusesBadParams(t *testing.T) {
	f := newFixture(t, application.Options{})
	_, err := f.m.LoginStartWithParams(context.Background(), storedSession(), "idp", "/", url.Values{"max_age": {"soon"}})
	if !errors.Is(err, domain.ErrInvalidLoginRequest) {
		t.Fatalf("login start with max_age=soon: %v; want ErrInvalidLoginRequest", err)
	}
}

func TestUserServiceSatisfies(t *testing.T) {
	f := newFixture(t, application.Options{})
	var us application.UserService
	q := domain.AuthRequirement{MaxAge: time.Minute}
	if _, err := us.Satisfies(context.Background(), storedSession(), q, f.clock.Now()); !errors.Is(err, domain.ErrNotLoggedIn) {
		t.Fatalf("anonymous: %v; want ErrNotLoggedIn", err)
	}
	s := f.loggedIn(t, "alice", time.Time{}) // identityFor has no auth_time
	if broker, err := us.Satisfies(context.Background(), s, q, f.clock.Now()); broker != "idp" || !errors.Is(err, domain.ErrInsufficientAuthentication) {
		t.Fatalf("login without auth_time: %q, %v; want idp and ErrInsufficientAuthentication", broker, err)
	}
	if _, err := us.Satisfies(context.Background(), s, domain.AuthRequirement{}, f.clock.Now()); err != nil {
		t.Fatalf("nothing asked: %v", err)
	}
}
