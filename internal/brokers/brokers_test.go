package brokers_test

import (
	"context"
	"fmt"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/sessionauth/sessionauth/config"
	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/infrastructure/fakebroker"
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
	for _, tc := range []struct {
		name   string
		claims any
		want   string
	}{
		{"a claim name that is a number", map[string]any{"idToken": map[string]any{"name": 3}},
			"config key core.auth.web.broker[0].claims.idToken.name = 3: is a number, not a string; write it as text"},
		{"a misspelt block", map[string]any{"idtoken": map[string]any{"name": "nickname"}},
			"config key core.auth.web.broker[0].claims.idtoken: no such key for an entry of claims of a broker of typ oidc; did you mean idToken?"},
		{"a block that is not a map", map[string]any{"idToken": "name"},
			`config key core.auth.web.broker[0].claims.idToken = "name": is a string, not a map; write a map`},
		{"claims that are a list", []any{"name"}, "config key core.auth.web.broker[0].claims = (a list): is a list, not a map; write a map"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, ps := entry(t, map[string]any{"broker": "corp", "typ": "oidc", "endpoint": "https://login.example", "clientID": "shop",
				"claims": tc.claims})
			brokers.Claims(b)
			if got := fmt.Sprint(ps.Err()); !strings.Contains(got, tc.want) {
				t.Errorf("problems = %s\nwant one saying %q", got, tc.want)
			}
		})
	}
}

// TestEntryProblems builds entries with one mistake each: every problem is
// recorded under the full path of its field, with the value (a secret
// hidden) and what to write.
func TestEntryProblems(t *testing.T) {
	oidc := func(fields map[string]any) map[string]any {
		e := map[string]any{"broker": "corp", "typ": "oidc", "endpoint": "https://login.example", "clientID": "shop", "clientSecret": "s3cr3t-client"}
		for k, v := range fields {
			e[k] = v
		}
		return e
	}
	fake := func(user any) map[string]any {
		return map[string]any{"broker": "dev", "typ": "fake", "users": []any{user}}
	}
	tests := []struct {
		name  string
		entry map[string]any
		want  []string
	}{
		{"endpoint not a URL", oidc(map[string]any{"endpoint": "not a url"}),
			[]string{`config key core.auth.web.broker[0].endpoint = "not a url": is not an absolute URL; write the issuer URL`, "https://login.example/realms/shop"}},
		{"endpoint missing", oidc(map[string]any{"endpoint": nil}),
			[]string{"config key core.auth.web.broker[0].endpoint = (empty): is empty; write the issuer URL"}},
		{"clientID empty", oidc(map[string]any{"clientID": ""}),
			[]string{`config key core.auth.web.broker[0].clientID = "": is empty; write the client ID`}},
		{"redirectURL relative", oidc(map[string]any{"redirectURL": "/auth/callback/corp"}),
			[]string{`config key core.auth.web.broker[0].redirectURL = "/auth/callback/corp": is not an absolute URL`, "https://shop.example/auth/callback/corp", "core.auth.web.baseURL"}},
		{"endpoint with a password", oidc(map[string]any{"endpoint": "https://shop:s3cr3t-client@login.example"}),
			[]string{`config key core.auth.web.broker[0].endpoint = "https://shop:xxxxx@login.example": holds a user or password before the host; write the URL without them`}},
		{"two users of one name", map[string]any{"broker": "dev", "typ": "fake", "users": []any{
			map[string]any{"username": "alice", "password": "a"}, map[string]any{"username": "alice", "password": "b"}}},
			[]string{`config key core.auth.web.broker[0].users[1].username = "alice": another user of this broker has the same username`}},
		{"redirectURL with a password", oidc(map[string]any{"redirectURL": "https://app:s3cr3t-client@shop.example/auth/callback/corp"}),
			[]string{`config key core.auth.web.broker[0].redirectURL = "https://app:xxxxx@shop.example/auth/callback/corp": holds a user or password`}},
		{"user given as a string", fake("alice:s3cr3t-client"),
			[]string{"config key core.auth.web.broker[0].users[0]: is a string, not a map; write each entry as a map of its fields"}},
		{"clientSecret misspelt", oidc(map[string]any{"clientsecret": "s3cr3t-client"}),
			[]string{"config key core.auth.web.broker[0].clientsecret: no such key for a broker of typ oidc; did you mean clientSecret?"}},
		{"user key misspelt", fake(map[string]any{"username": "alice", "firstname": "Alice"}),
			[]string{`config key core.auth.web.broker[0].users[0].firstname: no such key for an entry of users of a broker of typ fake`, "did you mean firstName?",
				"email, firstName, groups, lastName, name, password, sub, username"}},
		{"user password misspelt", fake(map[string]any{"username": "alice", "passwort": "s3cr3t-client"}),
			[]string{"config key core.auth.web.broker[0].users[0].passwort: no such key", "did you mean password?"}},
		{"user without username", fake(map[string]any{"name": "Alice"}),
			[]string{"config key core.auth.web.broker[0].users[0].username = (empty): every fake user needs a username; write"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, ps := entry(t, tc.entry)
			factory := map[string]func(config.Broker) (domain.IdentityProvider, error){"oidc": brokers.OIDC, "fake": brokers.Fake}[b.Type]
			_, _ = factory(b)
			got := fmt.Sprint(ps.Err())
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("problems do not say %q:\n%s", w, got)
				}
			}
			if strings.Contains(got, "s3cr3t") {
				t.Errorf("problems show the secret:\n%s", got)
			}
		})
	}
}

// TestEntryWithoutProblems: the documented entries build with no problem.
func TestEntryWithoutProblems(t *testing.T) {
	for _, e := range []map[string]any{
		{"broker": "corp", "typ": "oidc", "endpoint": "https://login.example", "clientID": "shop", "clientSecret": "s",
			"redirectURL": "https://shop.example/auth/callback/corp", "scopes": []any{"profile", "email"}},
		{"broker": "dev", "typ": "fake", "users": []any{map[string]any{"username": "alice", "password": "p", "sub": "1", "name": "Alice A",
			"email": "a@example.test", "firstName": "Alice", "lastName": "A", "groups": []any{"admins"}}}},
	} {
		b, ps := entry(t, e)
		build := brokers.OIDC
		if b.Type == "fake" {
			build = brokers.Fake
		}
		if p, err := build(b); err != nil || p == nil || ps.Len() > 0 {
			t.Errorf("%s: broker %v, error %v, problems %v", b.Name, p, err, ps.Err())
		}
	}
}

func TestScopes(t *testing.T) {
	for _, tc := range []struct {
		name   string
		scopes any // nil: no scopes key
		want   []string
	}{
		{"no scopes: those of the default claims", nil, []string{"profile", "email"}},
		{"an empty list: openid alone", []any{}, nil},
		{"a list: as written", []any{"email", "groups"}, []string{"email", "groups"}},
		{"scopes: without a value, as YAML gives it: the default", noValue{}, []string{"profile", "email"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := map[string]any{"broker": "corp", "typ": "oidc", "endpoint": "https://login.example", "clientID": "shop"}
			switch tc.scopes.(type) {
			case nil:
			case noValue:
				e["scopes"] = nil
			default:
				e["scopes"] = tc.scopes
			}
			b, ps := entry(t, e)
			if got := brokers.Scopes(b); !reflect.DeepEqual(got, tc.want) || ps.Len() > 0 {
				t.Errorf("Scopes = %#v (problems: %v), want %#v", got, ps, tc.want)
			}
		})
	}
}

// noValue stands for a key written without a value.
type noValue struct{}

// A fake user without sub logs in with the username as subject; an entry
// without username is a problem, not a user nobody can log in as.
func TestFakeUsers(t *testing.T) {
	b, ps := entry(t, map[string]any{"broker": "dev", "typ": "fake", "users": []any{
		map[string]any{"username": "ann", "password": "pw", "name": "Ann Example"},
		map[string]any{"password": "nobody", "name": "No Name"},
		map[string]any{"username": "bob", "password": "pw", "sub": "bob-1"},
	}})
	p, err := brokers.Fake(b)
	if err != nil {
		t.Fatal(err)
	}
	if err := ps.Err(); err == nil || !strings.Contains(err.Error(), "core.auth.web.broker[0].users[1].username") {
		t.Errorf("problems = %v, want one naming core.auth.web.broker[0].users[1].username", err)
	}
	fake := p.(*fakebroker.Broker)
	if u := fakeLogin(t, fake, "ann"); u.Sub != "ann" || u.Name != "Ann Example" {
		t.Errorf("user = %+v, want sub ann (the username) and name Ann Example", u)
	}
	if u := fakeLogin(t, fake, "bob"); u.Sub != "bob-1" {
		t.Errorf("user = %+v, want sub bob-1 (configured)", u)
	}
}

// fakeLogin logs username in at fake with password pw and returns the user.
func fakeLogin(t *testing.T, fake *fakebroker.Broker, username string) domain.User {
	t.Helper()
	verifier := strings.Repeat("v", 43)
	auth, err := fake.AuthCodeURL(context.Background(), domain.AuthCodeRequest{State: "st", Nonce: "n", PKCEVerifier: verifier})
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(auth)
	cb, err := fake.Authorize(username, "pw", u.Query())
	if err != nil {
		t.Fatal(err)
	}
	c, _ := url.Parse(cb)
	id, err := fake.Exchange(context.Background(), c.Query().Get("code"), verifier, "n")
	if err != nil {
		t.Fatal(err)
	}
	return id.User
}

// TestLogoutAndResponseModeKeys reads responseMode and
// postLogoutRedirectURIs; a bad value is a problem naming the key, the
// value and what to write.
func TestLogoutAndResponseModeKeys(t *testing.T) {
	base := func(extra map[string]any) map[string]any {
		e := map[string]any{"broker": "corp", "typ": "oidc", "endpoint": "https://login.example", "clientID": "shop"}
		for k, v := range extra {
			e[k] = v
		}
		return e
	}
	b, ps := entry(t, base(map[string]any{"responseMode": "form_post", "frontChannelLogout": true,
		"postLogoutRedirectURIs": []any{"https://shop.example/auth/loggedout"}}))
	if brokers.ResponseMode(b) != "form_post" || !reflect.DeepEqual(brokers.PostLogoutRedirectURIs(b), []string{"https://shop.example/auth/loggedout"}) || ps.Len() > 0 {
		t.Errorf("read %q, %v (problems: %v)", brokers.ResponseMode(b), brokers.PostLogoutRedirectURIs(b), ps)
	}
	if _, err := brokers.OIDC(b); err != nil || ps.Len() > 0 {
		t.Errorf("OIDC: %v (problems: %v)", err, ps)
	}
	tests := []struct {
		extra map[string]any
		want  string
	}{
		{map[string]any{"responseMode": "fragment"},
			`core.auth.web.broker[0].responseMode = "fragment": is not a response mode sessionauth speaks; write query (the default) or form_post`},
		{map[string]any{"postLogoutRedirectURIs": []any{"/auth/loggedout"}},
			`core.auth.web.broker[0].postLogoutRedirectURIs = (a list): holds "/auth/loggedout", not an absolute URL without user or password; write the URLs registered at the provider as post-logout redirect URIs, such as https://shop.example/auth/loggedout`},
		{map[string]any{"frontChannelLogout": "yes"}, `core.auth.web.broker[0].frontChannelLogout = "yes": is a string, not true or false; write true or false, without quotes`},
	}
	for _, tc := range tests {
		b, ps := entry(t, base(tc.extra))
		if _, err := brokers.OIDC(b); ps.Len() == 0 {
			t.Errorf("%v: error %v, no problem recorded under the key", tc.extra, err)
			continue
		}
		if msg := ps.Err().Error(); !strings.Contains(msg, tc.want) {
			t.Errorf("%v: %q; want it to contain %q", tc.extra, msg, tc.want)
		}
	}
}

// TestFrontChannelLogoutOrigins reads frontChannelLogoutOrigins into the
// broker's configuration; a value that is not an http or https origin, or
// the key without frontChannelLogout, is a problem naming the key, the
// value and what to write.
func TestFrontChannelLogoutOrigins(t *testing.T) {
	base := func(extra map[string]any) map[string]any {
		e := map[string]any{"broker": "corp", "typ": "oidc", "endpoint": "https://login.example", "clientID": "shop", "frontChannelLogout": true}
		for k, v := range extra {
			e[k] = v
		}
		return e
	}
	origins := []any{"https://login.microsoftonline.com", "http://localhost:8080"}
	b, ps := entry(t, base(map[string]any{"frontChannelLogoutOrigins": origins}))
	if got := brokers.FrontChannelLogoutOrigins(b); !reflect.DeepEqual(got, []string{"https://login.microsoftonline.com", "http://localhost:8080"}) || ps.Len() > 0 {
		t.Errorf("read %v (problems: %v)", got, ps)
	}
	if _, err := brokers.OIDC(b); err != nil || ps.Len() > 0 {
		t.Errorf("OIDC: %v (problems: %v)", err, ps)
	}
	const key = `core.auth.web.broker[0].frontChannelLogoutOrigins = (a list): `
	const fix = `; write the origins of the provider's logout pages, such as [https://login.microsoftonline.com]`
	tests := []struct {
		extra map[string]any
		want  string
	}{
		{map[string]any{"frontChannelLogoutOrigins": []any{"https://login.example/logout"}},
			key + `holds "https://login.example/logout", which has more than scheme, host and port; write https://login.example` + fix},
		{map[string]any{"frontChannelLogoutOrigins": []any{"https://login.example/"}},
			key + `holds "https://login.example/", which has more than scheme, host and port; write https://login.example` + fix},
		{map[string]any{"frontChannelLogoutOrigins": []any{"login.example"}},
			key + `holds "login.example", which is not an http or https origin such as https://login.example` + fix},
		{map[string]any{"frontChannelLogoutOrigins": []any{"ftp://login.example"}},
			key + `holds "ftp://login.example", which is not an http or https origin such as https://login.example` + fix},
		{map[string]any{"frontChannelLogoutOrigins": []any{"https://login.example?x"}},
			key + `holds "https://login.example?x", which has more than scheme, host and port; write https://login.example` + fix},
		{map[string]any{"frontChannelLogoutOrigins": origins, "frontChannelLogout": false},
			key + `is only used with frontChannelLogout: true; set that, or remove frontChannelLogoutOrigins`},
	}
	for _, tc := range tests {
		b, ps := entry(t, base(tc.extra))
		if _, err := brokers.OIDC(b); ps.Len() == 0 {
			t.Errorf("%v: error %v, no problem recorded under the key", tc.extra, err)
			continue
		}
		if msg := ps.Err().Error(); !strings.Contains(msg, tc.want) {
			t.Errorf("%v: %q; want it to contain %q", tc.extra, msg, tc.want)
		}
	}
}
