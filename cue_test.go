package sessionauth_test

import (
	"strings"
	"testing"

	"github.com/sessionauth/sessionauth"
)

// TestCueConfigDeclaresEveryKey checks that the schema Flamingo's loader
// reads names every session key ConfigModule knows, with the same default.
func TestCueConfigDeclaresEveryKey(t *testing.T) {
	cue := new(sessionauth.SessionModule).CueConfig()
	defaults, err := sessionauth.NormalizeConfig(nil)
	if err != nil {
		t.Fatal(err)
	}
	for key := range defaults {
		if !strings.HasPrefix(key, "flamingo.session.") {
			continue
		}
		last := key[strings.LastIndex(key, ".")+1:]
		declared := false
		for _, form := range []string{"\t" + last + ":", " " + last + ":", "\t" + last + "?:"} {
			declared = declared || strings.Contains(cue, form)
		}
		if !declared {
			t.Errorf("CueConfig does not declare %s", key)
		}
	}
	for legacy, current := range new(sessionauth.SessionModule).FlamingoLegacyConfigAlias() {
		if !strings.HasPrefix(current, "flamingo.session.") || legacy == current {
			t.Errorf("alias %s -> %s", legacy, current)
		}
	}
}
