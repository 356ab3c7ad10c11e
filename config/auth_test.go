package config_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/sessionauth/sessionauth/config"
)

func readAuth(t *testing.T, cfg map[string]any) (config.Auth, *config.Problems) {
	t.Helper()
	v, ps := config.Normalize(cfg)
	if ps.Len() > 0 {
		t.Fatal(ps.Err())
	}
	return config.ReadAuth(v)
}

// TestBrokerListNotAList: a broker list given as a string is one problem
// that says what to write, not one per key that refers to the list.
func TestBrokerListNotAList(t *testing.T) {
	for _, cfg := range []map[string]any{
		{"core.auth.web.broker": "corp"},
		{"core.auth.web.broker": "corp", "core.auth.web.defaultBroker": "corp"},
		{"core": map[string]any{"auth": map[string]any{"web": map[string]any{"broker": "corp", "defaultBroker": "corp"}}}},
	} {
		_, ps := readAuth(t, cfg)
		err := ps.Err()
		if ps.Len() != 1 {
			t.Fatalf("%d problems, want 1:\n%v", ps.Len(), err)
		}
		want := `sessionauth: invalid configuration: config key core.auth.web.broker = "corp": is a string, not a list; write a list of maps, one per broker, such as [{broker: main, typ: oidc,`
		if got := err.Error(); !strings.HasPrefix(got, want) || strings.Count(got, "write") != 1 {
			t.Errorf("error = %q\nwant it to start with %q and say once what to write", got, want)
		}
	}
}

// TestErrorFirstLine: the first line of the error names the first key and
// what to write; the others follow one a line.
func TestErrorFirstLine(t *testing.T) {
	_, ps := readAuth(t, map[string]any{"core.auth.web.stateLifeTime": "long", "core.auth.web.baseURL": "shop.example"})
	lines := strings.Split(fmt.Sprint(ps.Err()), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "sessionauth: invalid configuration (2 problems): config key core.auth.web.baseURL = \"shop.example\"") ||
		!strings.Contains(lines[0], "write the absolute URL") || !strings.HasPrefix(lines[1], "  config key core.auth.web.stateLifeTime") {
		t.Errorf("error lines = %q", lines)
	}
}

// TestDefaultBrokerWithoutBrokers says to configure the broker, not to
// pick one of none.
func TestDefaultBrokerWithoutBrokers(t *testing.T) {
	_, ps := readAuth(t, map[string]any{"core.auth.web.defaultBroker": "corp"})
	if got := fmt.Sprint(ps.Err()); !strings.Contains(got, `config key core.auth.web.defaultBroker = "corp": no broker is configured; add it to core.auth.web.broker`) {
		t.Errorf("error = %s", got)
	}
}

// TestEntryOnly: an entry of a broker's list knows only its own keys, not
// the broker's, and a misspelt key names the nearest known one; a key
// that looks like a secret is named without its value.
func TestEntryOnly(t *testing.T) {
	a, _ := readAuth(t, map[string]any{"core.auth.web.broker": []any{map[string]any{"broker": "dev", "typ": "fake",
		"users": []any{map[string]any{"username": "alice", "typ": "fake", "Email": "a@example.test", "pasword": "hunter22"}}}}})
	ps := new(config.Problems)
	b := a.Brokers[0].ReportTo(ps)
	b.Only("users")
	for _, u := range b.Entries("users") {
		u.Only("username", "password", "email")
	}
	got := fmt.Sprint(ps.Err())
	for _, w := range []string{
		`config key core.auth.web.broker[0].users[0].Email: no such key for an entry of users of a broker of typ fake; did you mean email? (the keys are email, password, username)`,
		"config key core.auth.web.broker[0].users[0].pasword: no such key for an entry of users of a broker of typ fake; did you mean password?",
		`config key core.auth.web.broker[0].users[0].typ: no such key for an entry of users of a broker of typ fake; write one of email, password, username`,
	} {
		if !strings.Contains(got, w) {
			t.Errorf("problems do not say %q:\n%s", w, got)
		}
	}
	if ps.Len() != 3 || strings.Contains(got, "hunter") {
		t.Errorf("want 3 problems and no password:\n%s", got)
	}
}
