package config_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

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

func TestAuthKeyProblems(t *testing.T) {
	const b0 = "config key core.auth.web.broker[0]"
	oidc := func(extra map[string]any) []any {
		e := map[string]any{"broker": "main", "typ": "oidc"}
		for k, v := range extra {
			e[k] = v
		}
		return []any{e}
	}
	checkProblems(t, []problemCase{
		{"broker list as string", map[string]any{"core.auth.web.broker": "main"},
			[]string{`core.auth.web.broker = "main": is a string, not a list; write a list of maps, one per broker`}, nil},
		{"entry not a map", map[string]any{"core.auth.web.broker": []any{"main"}},
			[]string{b0 + ` = "main": is not a map`}, nil},
		{"entry without name", map[string]any{"core.auth.web.broker": []any{map[string]any{"typ": "oidc"}}},
			[]string{b0 + ".broker = (empty): every broker needs a name"}, nil},
		{"entry without type", map[string]any{"core.auth.web.broker": []any{map[string]any{"broker": "main"}}},
			[]string{b0 + ".typ = (empty): every broker needs a type"}, nil},
		{"two of a name", map[string]any{"core.auth.web.broker": []any{map[string]any{"broker": "a", "typ": "fake"},
			map[string]any{"broker": "a", "typ": "oidc"}}},
			[]string{`core.auth.web.broker[1].broker = "a": another broker has the same name`}, nil},
		{"unknown default broker", map[string]any{"core.auth.web.broker": oidc(nil), "core.auth.web.defaultBroker": "other"},
			[]string{`core.auth.web.defaultBroker = "other": no broker of that name; write main`}, nil},
		{"default broker without brokers", map[string]any{"core.auth.web.defaultBroker": "other"},
			[]string{`core.auth.web.defaultBroker = "other": no broker is configured`}, nil},
		{"state lifetime of a broker", map[string]any{"core.auth.web.broker": oidc(map[string]any{"stateLifeTime": "0s"})},
			[]string{b0 + `.stateLifeTime = "0s": is not a positive duration`}, nil},
		{"state lifetime not a duration", map[string]any{"core.auth.web.broker": oidc(map[string]any{"stateLifeTime": "long"})},
			[]string{b0 + `.stateLifeTime = "long"`}, nil},
		{"relative base URL", map[string]any{"core.auth.web.baseURL": "shop.example"},
			[]string{`core.auth.web.baseURL = "shop.example": is not an absolute URL; write the absolute URL users reach the application at`}, nil},
		{"base URL without host", map[string]any{"core.auth.web.baseURL": "https:///path"}, []string{"is not an absolute URL"}, nil},
		{"base URL that does not parse", map[string]any{"core.auth.web.baseURL": "https://shop.example/%zz"}, []string{"is not an absolute URL"}, nil},
		{"short token key", map[string]any{"core.auth.web.tokenKey": strings.Repeat("k", 31)},
			[]string{"core.auth.web.tokenKey = (hidden): has 31 characters, fewer than 32"}, []string{"kkkk"}},
		{"token key", map[string]any{"core.auth.web.tokenKey": strings.Repeat("k", 32)}, nil, nil},
		{"short previous token key", map[string]any{"core.auth.web.previousTokenKeys": []any{strings.Repeat("k", 32), strings.Repeat("k", 31)}},
			[]string{"core.auth.web.previousTokenKeys = (hidden): entry 1 is not a string of at least 32 characters; write a list of keys of at least 32 characters"},
			[]string{"kkkk"}},
		{"previous token key of another type", map[string]any{"core.auth.web.previousTokenKeys": []any{7}},
			[]string{"core.auth.web.previousTokenKeys = (hidden): entry 0 is not a string"}, nil},
		{"name of the wrong type", map[string]any{"core.auth.web.broker": []any{map[string]any{"broker": 3, "typ": "oidc"}}},
			[]string{b0 + ".broker = 3: is a number, not a string"}, nil},
	})
}

func TestAuthValues(t *testing.T) {
	k1, k2 := strings.Repeat("1", 32), strings.Repeat("2", 32)
	_, a, err := read(map[string]any{
		"core.auth.web.baseURL": "https://shop.example/", "core.auth.web.postLogoutRedirect": "", "core.auth.web.stateLifeTime": "20m",
		"core.auth.web.clockSkew": "1m", "core.auth.web.trustForwardedHeaders": true,
		"core.auth.web.tokenKey": k1, "core.auth.web.previousTokenKeys": []any{k2},
		"core.auth.web.broker": []any{
			map[string]any{"broker": "a", "typ": "oidc"},
			map[string]any{"broker": "b", "typ": "fake", "redirectURL": "https://other.example/cb", "stateLifeTime": "5m"},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if a.DefaultBroker != "a" || a.PostLogoutRedirect != "/" || !a.TrustForwarded || !reflect.DeepEqual(a.TokenKeys, []string{k1, k2}) {
		t.Errorf("auth = %+v", a)
	}
	want := []struct {
		redirect string
		state    time.Duration
	}{{"https://shop.example/auth/callback/a", 20 * time.Minute}, {"https://other.example/cb", 5 * time.Minute}}
	for i, b := range a.Brokers {
		if b.RedirectURL != want[i].redirect || b.StateLifetime != want[i].state || b.ClockSkew != time.Minute {
			t.Errorf("broker %s: redirect %s, state lifetime %v, clock skew %v; want %+v and 1m", b.Name, b.RedirectURL, b.StateLifetime, b.ClockSkew, want[i])
		}
	}
	if _, a, _ := read(nil); a.TokenKeys != nil || a.DefaultBroker != "" || a.Brokers != nil {
		t.Errorf("no auth keys: %+v", a)
	}
	if _, a, _ := read(map[string]any{"core.auth.web.broker": []any{map[string]any{"broker": "a", "typ": "oidc"}}}); a.Brokers[0].RedirectURL != "" {
		t.Errorf("without baseURL: redirect %q, want none (taken from the request)", a.Brokers[0].RedirectURL)
	}
}

// broker reads the single broker entry e, its problems recorded in the
// returned Problems.
func broker(t *testing.T, e map[string]any) (config.Broker, *config.Problems) {
	t.Helper()
	_, a, err := read(map[string]any{"core.auth.web.broker": []any{e}})
	if err != nil || len(a.Brokers) != 1 {
		t.Fatalf("%v, %d brokers", err, len(a.Brokers))
	}
	ps := new(config.Problems)
	return a.Brokers[0].ReportTo(ps), ps
}

func TestBrokerFieldProblems(t *testing.T) {
	b, ps := broker(t, map[string]any{"broker": "x", "typ": "mine", "s": 1, "f": "yes", "l": "a", "ll": []any{"a", 2},
		"m": "x", "e": "x", "ee": []any{"x", map[string]any{"password": "hunter2"}}, "typo": true})
	b.Only("s", "f", "l", "ll", "m", "e", "ee")
	got := []any{b.String("s"), b.Bool("f"), b.Strings("l"), b.Strings("ll"), b.Map("m"), len(b.Entries("e")), len(b.Entries("ee"))}
	want := []any{"", false, []string(nil), []string{"a"}, map[string]any(nil), 0, 1}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("values = %#v, want %#v", got, want)
	}
	msg := ps.Err().Error()
	for _, w := range []string{
		"broker[0].typo: no such key for a broker of typ mine", "(the keys are broker, e, ee, f, l, ll, m, redirectURL, s, stateLifeTime, typ)",
		"broker[0].s = 1: is a number, not a string", `broker[0].f = "yes": is a string, not true or false`,
		`broker[0].l = "a": is a string, not a list of strings`, "broker[0].ll[1] = 2: is a number, not a string",
		`broker[0].m = "x": is a string, not a map`, `broker[0].e = "x": is a string, not a list`, "broker[0].ee[0]: is a string, not a map",
	} {
		if !strings.Contains(msg, w) {
			t.Errorf("problems %q do not contain %q", msg, w)
		}
	}
	e := b.Entries("ee")[0]
	e.Problem("password", "too short")
	if msg := ps.Err().Error(); !strings.Contains(msg, "broker[0].ee[1].password = (hidden): too short") || strings.Contains(msg, "hunter2") {
		t.Errorf("problem of an entry's field: %q", msg)
	}
}

func TestBrokerFields(t *testing.T) {
	b, ps := broker(t, map[string]any{"broker": "x", "typ": "oidc", "s": "v", "f": true, "l": []string{"a", "b"},
		"m": map[string]any{"k": "v"}, "e": []any{map[string]any{"n": "1"}}})
	b.Only("s", "f", "l", "m", "e")
	if b.String("s") != "v" || !b.Bool("f") || !reflect.DeepEqual(b.Strings("l"), []string{"a", "b"}) || b.Map("m")["k"] != "v" ||
		b.Entries("e")[0].String("n") != "1" || b.String("none") != "" || b.Bool("none") || b.Strings("none") != nil || b.Map("none") != nil {
		t.Error("fields not read as given")
	}
	if ps.Len() != 0 {
		t.Error(ps.Err())
	}
}
