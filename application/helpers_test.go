package application_test

import (
	"context"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/golang/mock/gomock"

	"github.com/sessionauth/sessionauth/application"
	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/mocks"
)

// clock is a settable test clock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// fixture is an AuthManager over one mocked broker named "idp".
type fixture struct {
	clock  *clock
	broker *mocks.MockIdentityProvider
	m      *application.AuthManager
}

func newFixture(t *testing.T, opts application.Options) *fixture {
	ctrl := gomock.NewController(t)
	f := &fixture{clock: newClock(), broker: mocks.NewMockIdentityProvider(ctrl)}
	opts.Clock = f.clock.Now
	f.m = application.NewAuthManager(map[string]domain.IdentityProvider{"idp": f.broker}, opts)
	return f
}

// start runs LoginStart and returns the request the broker received.
func (f *fixture) start(t *testing.T, s *domain.Session, returnPath string) domain.AuthCodeRequest {
	t.Helper()
	var got domain.AuthCodeRequest
	f.broker.EXPECT().AuthCodeURL(gomock.Any(), gomock.Any()).DoAndReturn(
		func(_ context.Context, req domain.AuthCodeRequest) (string, error) {
			got = req
			return "https://idp.example/authorize?state=" + url.QueryEscape(req.State), nil
		})
	if _, err := f.m.LoginStart(context.Background(), s, "idp", returnPath); err != nil {
		t.Fatal(err)
	}
	return got
}

func identityFor(sub string, expiry time.Time) *domain.Identity {
	return &domain.Identity{
		Broker: "idp", Subject: sub, AccessToken: "access-" + sub, TokenType: "Bearer",
		RefreshToken: "refresh-" + sub, Expiry: expiry,
		IDToken: domain.IDToken{Subject: sub, Raw: "raw-id-token", Payload: []byte(`{"sub":"` + sub + `"}`)},
		User:    domain.User{Sub: sub, Name: "Name " + sub, Type: domain.UserTypeUser},
	}
}

// storedSession returns a session as a repository would load it.
func storedSession() *domain.Session {
	return domain.RestoreSession(domain.NewSessionID(), map[string][]byte{}, time.Now().Add(time.Hour))
}

// loggedIn runs a successful login for sub through the mocked broker.
func (f *fixture) loggedIn(t *testing.T, sub string, expiry time.Time) *domain.Session {
	t.Helper()
	s := storedSession()
	req := f.start(t, s, "/")
	f.broker.EXPECT().CheckIssuer(gomock.Any(), "").Return(nil)
	f.broker.EXPECT().Exchange(gomock.Any(), "code", req.PKCEVerifier, req.Nonce).Return(identityFor(sub, expiry), nil)
	if _, err := f.m.Callback(context.Background(), s, "idp", url.Values{"state": {req.State}, "code": {"code"}}); err != nil {
		t.Fatal(err)
	}
	return s
}
