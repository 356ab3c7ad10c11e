package legacysession_test

import (
	"bytes"
	"context"
	"encoding/gob"
	"os"
	"testing"
	"time"

	"github.com/sessionauth/sessionauth/infrastructure/legacysession"
	"github.com/sessionauth/sessionauth/infrastructure/memorystore"
)

// Types shaped like those Flamingo v3.17.4's core/auth stores, registered
// under names one letter off theirs; flamingoLoginGob puts the real names
// into the encoding, which nothing in this process registers.
type (
	oauthSessionData struct {
		Subject           string
		RawIDToken        string
		IDTokenClaims     []byte
		AccessTokenClaims []byte
	}
	oauthStateEntry struct {
		State string
		TS    time.Time
	}
)

var flamingoNames = map[string]string{
	"flamingo.me/flamingo/v3/core/auth/oauth.sessionDatX": "flamingo.me/flamingo/v3/core/auth/oauth.sessionData",
	"[]oauth.StateEntrX": "[]oauth.StateEntry",
}

func init() {
	gob.RegisterName("flamingo.me/flamingo/v3/core/auth/oauth.sessionDatX", oauthSessionData{})
	gob.RegisterName("[]oauth.StateEntrX", []oauthStateEntry(nil))
}

// flamingoLoginGob is a session of a user logged in with Flamingo's
// core/auth, with a cart beside the login.
func flamingoLoginGob(t testing.TB) []byte {
	t.Helper()
	var b bytes.Buffer
	err := gob.NewEncoder(&b).Encode(map[any]any{
		"cart":                            cart{Items: []string{"apple"}},
		"core.auth.oidc.main.sessiondata": oauthSessionData{Subject: "ada", RawIDToken: "eyJ..."},
		"core.auth.oidc.main.states":      []oauthStateEntry{{State: "s", TS: time.Now()}},
	})
	if err != nil {
		t.Fatal(err)
	}
	encoded := b.Bytes()
	for ours, theirs := range flamingoNames {
		encoded = bytes.Replace(encoded, []byte(ours), []byte(theirs), 1)
	}
	return encoded
}

// TestMigrateFlamingoLogin: a user logged in through Flamingo's core/auth
// is logged out by the migration (core/auth's keys stay behind) and keeps
// the rest of the session, although the new application does not link
// core/auth and so registers none of its types.
func TestMigrateFlamingoLogin(t *testing.T) {
	for name, storeOf := range stores {
		t.Run(name, func(t *testing.T) {
			st := storeOf(t)
			cookie := st.put(flamingoLoginGob(t))
			m := legacysession.New(memorystore.New(memorystore.Options{}), st.source, legacysession.Options{Key: []byte(secret)})
			s, err := m.Migrate(context.Background(), cookie)
			if err != nil || s == nil {
				t.Fatalf("Migrate = %v, %v; want the session", s, err)
			}
			if keys := s.Keys(); len(keys) != 1 || keys[0] != "cart" {
				t.Fatalf("migrated keys %v, want the cart alone", keys)
			}
		})
	}
}

// TestMigrateFlamingoFixture migrates a session that Flamingo v3.17.4
// wrote to its Redis backend after a login through its core/auth at
// zitadel's provider (testdata/, taken from the Flamingo test application:
// a counter, core/auth's session data, states and redirect), in this test
// binary, which does not link Flamingo: the counter comes over, core/auth's
// keys do not.
func TestMigrateFlamingoFixture(t *testing.T) {
	encoded, err := os.ReadFile("testdata/flamingo-v3.17.4-coreauth.gob")
	if err != nil {
		t.Fatal(err)
	}
	for name, storeOf := range stores {
		t.Run(name, func(t *testing.T) {
			st := storeOf(t)
			cookie := st.put(encoded)
			m := legacysession.New(memorystore.New(memorystore.Options{}), st.source, legacysession.Options{Key: []byte(secret)})
			s, err := m.Migrate(context.Background(), cookie)
			if err != nil || s == nil {
				t.Fatalf("Migrate = %v, %v; want the session", s, err)
			}
			if keys := s.Keys(); len(keys) != 1 || keys[0] != "n" || s.Try("n") != 1 {
				t.Fatalf("migrated %v, want the counter (n=1) alone", s.Values)
			}
		})
	}
}
