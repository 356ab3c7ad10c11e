package config_test

import (
	"strings"
	"testing"

	"github.com/sessionauth/sessionauth/config"
)

// A field or key misspelt from a secret one still hides its value, and a
// broker field is suggested when it is a typo of a known one.
func TestMisspeltSecretsStayHidden(t *testing.T) {
	entry := func(field string) map[string]any {
		return map[string]any{"broker": "x", "typ": "oidc", field: "hunter2"}
	}
	for name, cfg := range map[string]map[string]any{
		"field near tokenKey":      {"core.auth.web.broker": []any{entry("tokenky")}},
		"field near password":      {"core.auth.web.broker": []any{entry("pazzword")}},
		"key near a secret URL":    {"flamingo.session.redis.uri": "hunter2"},
		"user field near password": {"core.auth.web.broker": []any{map[string]any{"broker": "x", "typ": "fake", "users": []any{map[string]any{"username": "a", "pasword": "hunter2"}}}}},
	} {
		b, ps := brokerOrNil(t, cfg)
		if b != nil {
			b.Only("users")
			for _, u := range b.Entries("users") {
				u.Only("username")
			}
		}
		if err := ps.Err(); err == nil || strings.Contains(err.Error(), "hunter2") {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestBrokerFieldSuggestion(t *testing.T) {
	b, ps := broker(t, map[string]any{"broker": "x", "typ": "mine", "ab": 1})
	b.Only("ax", "ay")
	if err := ps.Err(); err == nil || !strings.Contains(err.Error(), "did you mean ax?") {
		t.Errorf("problems: %v, want ab suggested as ax (the first of two as near)", err)
	}
}

func TestRequiredField(t *testing.T) {
	b, ps := broker(t, map[string]any{"broker": "x", "typ": "mine", "set": "v", "empty": ""})
	got := []string{b.Required("set", "write a"), b.Required("empty", "write b"), b.Required("absent", "write c")}
	msg := ps.Err().Error()
	if got[0] != "v" || ps.Len() != 2 || !strings.Contains(msg, `broker[0].empty = "": is empty; write b`) ||
		!strings.Contains(msg, "broker[0].absent = (empty): is empty; write c") {
		t.Errorf("Required = %q, problems %v", got, msg)
	}
}

// brokerOrNil reads cfg; with one broker entry it returns its reader,
// whose problems join the configuration's.
func brokerOrNil(t *testing.T, cfg map[string]any) (*config.Broker, *config.Problems) {
	t.Helper()
	v, ps := config.Normalize(cfg)
	a, aps := config.ReadAuth(v)
	ps.Join(aps)
	if len(a.Brokers) != 1 {
		return nil, ps
	}
	b := a.Brokers[0].ReportTo(ps)
	return &b, ps
}

// Has tells a field written without a value from one set; Nested reads a
// map field with problems under the field's path.
func TestHasAndNested(t *testing.T) {
	b, ps := broker(t, map[string]any{"broker": "x", "typ": "mine", "scopes": nil, "s": "v", "claims": map[string]any{"idToken": 3}})
	if b.Has("scopes") || !b.Has("s") || b.Has("absent") {
		t.Errorf("Has: scopes %v, s %v, absent %v; want false, true, false", b.Has("scopes"), b.Has("s"), b.Has("absent"))
	}
	if got := b.Nested("claims").String("idToken"); got != "" || !strings.Contains(ps.Err().Error(), "config key core.auth.web.broker[0].claims.idToken = 3: is a number") {
		t.Errorf("Nested: %q, problems %v", got, ps.Err())
	}
}

// A broker's privateKey is a secret, misspelt too; privateKeyID, the name
// of the key, is shown.
func TestPrivateKeyIsASecret(t *testing.T) {
	for field, shown := range map[string]bool{"privateKey": false, "privatKey": false, "private_key": false, "privateKeyID": true} {
		if got := config.Show("core.auth.web.broker[0]."+field, "hunter2"); (got == `"hunter2"`) != shown {
			t.Errorf("Show(%s) = %s, want it shown: %v", field, got, shown)
		}
	}
}
