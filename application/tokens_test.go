package application_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/golang/mock/gomock"

	"github.com/sessionauth/sessionauth/application"
	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/mocks"
)

var (
	keyOld = []byte("old token key, 32 bytes or more.")
	keyNew = []byte("new token key, 32 bytes or more.")
)

func sealer(t *testing.T, keys ...[]byte) *application.TokenSealer {
	t.Helper()
	s, err := application.NewTokenSealer(keys...)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// loggedInWith logs u1 in through a manager sealing with tokens and
// returns the session as a repository would load it afterwards.
func loggedInWith(t *testing.T, tokens *application.TokenSealer) *domain.Session {
	t.Helper()
	f := newFixture(t, application.Options{Tokens: tokens})
	s := domain.NewSession()
	req := f.start(t, s, "/")
	f.broker.EXPECT().CheckIssuer(gomock.Any(), gomock.Any()).Return(nil)
	f.broker.EXPECT().Exchange(gomock.Any(), "code", gomock.Any(), gomock.Any()).Return(identityFor("u1", time.Now().Add(time.Hour)), nil)
	if _, err := f.m.Callback(context.Background(), s, "idp", map[string][]string{"state": {req.State}, "code": {"code"}}); err != nil {
		t.Fatal(err)
	}
	c, err := s.Changes(0)
	if err != nil {
		t.Fatal(err)
	}
	return domain.RestoreSession(c.ID, c.All, time.Now().Add(time.Hour))
}

func TestTokensSealedInTheSession(t *testing.T) {
	s := loggedInWith(t, sealer(t, keyOld))
	stored, _ := s.Try(domain.IdentityKey).(domain.Identity)
	for name, v := range map[string]string{"access": stored.AccessToken, "refresh": stored.RefreshToken, "id": stored.IDToken.Raw} {
		if !strings.HasPrefix(v, "sa1.") || strings.Contains(v, "access-u1") || strings.Contains(v, "refresh-u1") || strings.Contains(v, "raw-id-token") {
			t.Errorf("stored %s token = %q; want it sealed", name, v)
		}
	}
}

// TestTokenKeyRotation: a manager whose keys include the sealing key opens
// the tokens; one without it treats the session as logged out (no error
// page: ErrNotLoggedIn, the identity removed), and so does a UserService
// with its sealer.
func TestTokenKeyRotation(t *testing.T) {
	cases := []struct {
		name     string
		keys     [][]byte
		loggedIn bool
	}{
		{"same key", [][]byte{keyOld}, true},
		{"new key, old one previous", [][]byte{keyNew, keyOld}, true},
		{"rotated out", [][]byte{keyNew}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := loggedInWith(t, sealer(t, keyOld))
			tokens := sealer(t, tc.keys...)
			users := &application.UserService{Tokens: tokens}
			if got := users.IsLoggedIn(context.Background(), s); got != tc.loggedIn {
				t.Errorf("UserService.IsLoggedIn = %v; want %v", got, tc.loggedIn)
			}
			m := application.NewAuthManager(map[string]domain.IdentityProvider{"idp": mocks.NewMockIdentityProvider(gomock.NewController(t))}, application.Options{Tokens: tokens})
			id, err := m.Identity(context.Background(), s)
			switch {
			case tc.loggedIn && (err != nil || id.AccessToken != "access-u1" || id.RefreshToken != "refresh-u1" || id.IDToken.Raw != "raw-id-token"):
				t.Fatalf("Identity = %+v, %v; want the opened tokens", id, err)
			case !tc.loggedIn && !errors.Is(err, domain.ErrNotLoggedIn):
				t.Fatalf("Identity = %v, %v; want ErrNotLoggedIn", id, err)
			case !tc.loggedIn && s.Try(domain.IdentityKey) != nil:
				t.Fatal("the identity whose tokens cannot be opened stays in the session")
			}
		})
	}
}

func TestTokenSealerRefusesShortKeys(t *testing.T) {
	for _, keys := range [][][]byte{nil, {[]byte("short")}, {keyNew, []byte("short")}} {
		if _, err := application.NewTokenSealer(keys...); err == nil {
			t.Errorf("NewTokenSealer(%d keys) = nil error; want one", len(keys))
		}
	}
}
