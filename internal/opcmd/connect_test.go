package opcmd

import (
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/sessionauth/sessionauth/config"
)

func TestSlotCoverage(t *testing.T) {
	node := func(addr string) []redis.ClusterNode { return []redis.ClusterNode{{Addr: addr}} }
	full := []redis.ClusterSlot{{Start: 0, End: 5460, Nodes: node("a")}, {Start: 5461, End: 10922, Nodes: node("b")}, {Start: 10923, End: 16383, Nodes: node("c")}}
	if r := slotCoverage("redis", full); !r.OK || r.Detail != "all 16384 hash slots are served, by 3 masters" {
		t.Errorf("full coverage: %+v", r)
	}
	gap := []redis.ClusterSlot{{Start: 0, End: 5460, Nodes: node("a")}, {Start: 10923, End: 16383, Nodes: node("c")}, {Start: 12000, End: 12000, Nodes: node("c")}}
	if r := slotCoverage("redis", gap); r.OK || !strings.HasPrefix(r.Detail, "5462 of 16384 hash slots have no master") {
		t.Errorf("a gap of 5462 slots: %+v", r)
	}
	if r := slotCoverage("redis", []redis.ClusterSlot{{Start: -3, End: 99999, Nodes: node("a")}}); !r.OK {
		t.Errorf("ranges beyond the slots: %+v", r)
	}
}

// broker is entry as the first broker of a configuration.
func broker(t *testing.T, entry map[string]any, extra map[string]any) config.Broker {
	t.Helper()
	cfg := map[string]any{"core.auth.web.broker": []any{entry}}
	for k, v := range extra {
		cfg[k] = v
	}
	v, _ := config.Normalize(cfg)
	a, ps := config.ReadAuth(v)
	if ps.Len() > 0 || len(a.Brokers) != 1 {
		t.Fatalf("configuration: %v", ps.Err())
	}
	return a.Brokers[0]
}

func TestCallbackWarnings(t *testing.T) {
	entry := map[string]any{"broker": "corp", "typ": "oidc"}
	for _, c := range []struct {
		name  string
		extra map[string]any
		redir string
		want  []string
	}{
		{"from baseURL", map[string]any{"core.auth.web.baseURL": "https://shop.example/"}, "", nil},
		{"none", nil, "", []string{"no callback URL is configured"}},
		{"plain http elsewhere", map[string]any{"core.auth.web.baseURL": "http://shop.example"}, "", []string{"is plain http"}},
		{"plain http on loopback", map[string]any{"core.auth.web.baseURL": "http://127.0.0.1:3322"}, "", nil},
		{"another path", nil, "https://shop.example/oidc/return", []string{"does not end in /auth/callback/corp"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := map[string]any{}
			for k, v := range entry {
				e[k] = v
			}
			if c.redir != "" {
				e["redirectURL"] = c.redir
			}
			got := callbackWarnings(broker(t, e, c.extra))
			if len(got) != len(c.want) {
				t.Fatalf("warnings %q, want %q", got, c.want)
			}
			for i, w := range c.want {
				if !strings.Contains(got[i], w) {
					t.Errorf("warning %q lacks %q", got[i], w)
				}
			}
		})
	}
}

func TestDiscoveryProblem(t *testing.T) {
	b := broker(t, map[string]any{"broker": "corp", "typ": "oidc", "endpoint": "https://op.example", "enableEndSessionEndpoint": true,
		"usePAR": true, "tokenEndpointAuthMethod": "private_key_jwt", "revokeTokensAtLogout": true}, nil)
	good := discovery{Issuer: "https://op.example", Authorization: "a", Token: "t", JWKS: "j", EndSession: "e", PAR: "p", Revocation: "r",
		AuthMethods: []string{"client_secret_basic", "private_key_jwt"}}
	for _, c := range []struct {
		name string
		edit func(*discovery)
		want string
	}{
		{"good", func(*discovery) {}, ""},
		{"no algorithms named: RS256", func(d *discovery) { d.Algorithms = nil }, ""},
		{"issuer", func(d *discovery) { d.Issuer += "/" }, `the provider names its issuer "https://op.example/"`},
		{"no token endpoint", func(d *discovery) { d.Token = "" }, "lacks authorization_endpoint, token_endpoint or jwks_uri"},
		{"HS256 only", func(d *discovery) { d.Algorithms = []string{"HS256", "none"} }, "signs ID tokens with HS256, none only"},
		{"no end session", func(d *discovery) { d.EndSession = "" }, "enableEndSessionEndpoint = true: the provider announces no end_session_endpoint"},
		{"no PAR endpoint", func(d *discovery) { d.PAR = "" }, "usePAR = true: the provider announces no pushed_authorization_request_endpoint"},
		{"no revocation endpoint", func(d *discovery) { d.Revocation = "" }, "revokeTokensAtLogout = true: the provider announces no revocation_endpoint"},
		{"auth method not offered", func(d *discovery) { d.AuthMethods = []string{"client_secret_basic"} }, `tokenEndpointAuthMethod = "private_key_jwt": the provider accepts client_secret_basic`},
		{"no auth methods named: basic only", func(d *discovery) { d.AuthMethods = nil }, `the provider accepts client_secret_basic`},
	} {
		t.Run(c.name, func(t *testing.T) {
			d := good
			c.edit(&d)
			got := discoveryProblem(b, "https://op.example", d)
			if c.want == "" && got != "" || !strings.Contains(got, c.want) {
				t.Errorf("problem %q, want %q", got, c.want)
			}
		})
	}
}

func TestProviderWarnings(t *testing.T) {
	b := broker(t, map[string]any{"broker": "corp", "typ": "oidc"}, nil)
	if got := providerWarnings(b, discovery{BackChannelLogout: true, CodeChallengeMethods: []string{"S256"}}); len(got) != 0 {
		t.Errorf("warnings %q, want none", got)
	}
	got := providerWarnings(b, discovery{CodeChallengeMethods: []string{"plain"}})
	if len(got) != 2 || !strings.Contains(got[0], "PKCE with S256") || !strings.Contains(got[1], "back-channel logout") {
		t.Errorf("warnings %q, want PKCE and back-channel", got)
	}
	fc := broker(t, map[string]any{"broker": "corp", "typ": "oidc", "frontChannelLogout": true}, nil)
	if got := providerWarnings(fc, discovery{BackChannelLogout: true}); len(got) != 1 || !strings.Contains(got[0], "frontchannel_logout_supported") {
		t.Errorf("warnings %q, want front-channel", got)
	}
}
