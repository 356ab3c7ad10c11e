package brokers_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/sessionauth/sessionauth/config"
	"github.com/sessionauth/sessionauth/internal/brokers"
)

// entry reads broker entry e as AuthModule does and returns it with the
// problems its reading records.
func entry(t *testing.T, e map[string]any) (config.Broker, *config.Problems) {
	t.Helper()
	v, ps := config.Normalize(map[string]any{"core.auth.web.broker": []any{e}})
	if ps.Len() > 0 {
		t.Fatal(ps)
	}
	a, ps := config.ReadAuth(v)
	if ps.Len() > 0 || len(a.Brokers) != 1 {
		t.Fatalf("ReadAuth: %v, %d brokers", ps, len(a.Brokers))
	}
	ps = new(config.Problems)
	return a.Brokers[0].ReportTo(ps), ps
}

// The seeds' broker entry has no claims block: the user's name and email
// come from the ID token's standard claims.
func TestClaimsWithoutClaimsBlock(t *testing.T) {
	b, ps := entry(t, map[string]any{"broker": "corp", "typ": "oidc", "endpoint": "https://login.example",
		"clientID": "shop", "clientSecret": "s", "scopes": []any{"profile", "email"}})
	got := brokers.Claims(b).IDTokenFields()
	want := map[string]string{"sub": "sub", "name": "name", "email": "email", "firstname": "given_name", "lastname": "family_name"}
	if !reflect.DeepEqual(got, want) || ps.Len() > 0 {
		t.Errorf("ID token fields = %v (problems: %v), want %v", got, ps, want)
	}
	if m := brokers.Claims(b).UserInfo; len(m) != 0 {
		t.Errorf("userinfo mapping = %v, want none (no userinfo request)", m)
	}
}

func TestClaimsBlockChangesTheFieldsItNames(t *testing.T) {
	b, ps := entry(t, map[string]any{"broker": "corp", "typ": "oidc", "endpoint": "https://login.example", "clientID": "shop",
		"claims": map[string]any{"idToken": map[string]any{"name": "preferred_username"}, "userInfo": map[string]any{"groups": "groups"}}})
	c := brokers.Claims(b)
	if got := c.IDTokenFields(); got["name"] != "preferred_username" || got["email"] != "email" || got["sub"] != "sub" {
		t.Errorf("ID token fields = %v, want name from preferred_username and the rest by default", got)
	}
	if !reflect.DeepEqual(c.UserInfo, map[string]string{"groups": "groups"}) || ps.Len() > 0 {
		t.Errorf("userinfo = %v (problems: %v)", c.UserInfo, ps)
	}
}

func TestClaimsBlockProblems(t *testing.T) {
	b, ps := entry(t, map[string]any{"broker": "corp", "typ": "oidc", "endpoint": "https://login.example", "clientID": "shop",
		"claims": map[string]any{"idToken": map[string]any{"name": 3}}})
	brokers.Claims(b)
	if !strings.Contains(fmt.Sprint(ps.Err()), "core.auth.web.broker[0].claims") || !strings.Contains(fmt.Sprint(ps.Err()), "claims.idToken.name") {
		t.Errorf("problems = %v, want one naming core.auth.web.broker[0].claims and claims.idToken.name", ps)
	}
}
