package application_test

import (
	"context"
	"errors"
	"net/url"
	"testing"

	"github.com/sessionauth/sessionauth/application"
	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/infrastructure/fakebroker"
)

// FuzzCallbackQuery sends arbitrary callback query parameters (state,
// code, iss, error, error_description, and the pending login's own state
// when useState is set) through AuthManager.Callback of a real fake
// broker after a login start. Nothing may panic; a state other than the
// pending one is refused with ErrInvalidState; the session holds an
// identity only after a nil error, and the return path then stays on the
// site.
func FuzzCallbackQuery(f *testing.F) {
	f.Add(true, "", "", "", "", "/next")
	f.Add(false, "forged", "code", "", "", "//evil.example")
	f.Add(true, "", "code", "https://other.example", "access_denied", "/")
	broker, err := fakebroker.New(fakebroker.Config{Broker: "dev", Users: []fakebroker.User{{Username: "a", Password: "p"}}})
	if err != nil {
		f.Fatal(err)
	}
	m := application.NewAuthManager(map[string]domain.IdentityProvider{"dev": broker}, application.Options{})
	f.Fuzz(func(t *testing.T, useState bool, state, code, iss, errCode, returnPath string) {
		s := domain.NewSession()
		if _, err := m.LoginStart(context.Background(), s, "dev", returnPath); err != nil {
			t.Fatal(err)
		}
		if useState {
			state = pendingState(s)
		}
		q := url.Values{"state": {state}, "code": {code}, "iss": {iss}, "error": {errCode}, "error_description": {code}}
		to, err := m.Callback(context.Background(), s, "dev", q)
		_, loggedIn := s.Try(domain.IdentityKey).(domain.Identity)
		switch {
		case state != pendingState(s) && state != "" && !useState && !errors.Is(err, domain.ErrInvalidState):
			t.Fatalf("callback with a foreign state: %v; want ErrInvalidState", err)
		case err != nil && loggedIn:
			t.Fatalf("callback failed (%v) but the session holds an identity", err)
		case err == nil && (!loggedIn || application.SanitizeReturnPath(to) != to):
			t.Fatalf("callback succeeded: logged in %v, return path %q", loggedIn, to)
		}
	})
}
