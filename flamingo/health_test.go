package sessionauthflamingo_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/sessionauth/sessionauth/internal/oidctest"
	"github.com/sessionauth/sessionauth/internal/redistest"
)

// TestFlamingoHealth: with AuthModule, Flamingo's health endpoint reports
// sessionauth's "session" and "auth" checks, and says so when the OpenID
// provider cannot be reached.
func TestFlamingoHealth(t *testing.T) {
	p := oidctest.Start(t, oidctest.Options{})
	base := startFlamingo(t, loginConfig(p), login)
	c := browser(t)
	status, health, _ := get(t, c, base+"/status/healthcheck")
	for _, want := range []string{`"name":"session","alive":true`, `"name":"auth","alive":true`, "oidc: ", "dev: "} {
		if status != http.StatusOK || !strings.Contains(health, want) {
			t.Fatalf("Flamingo's health check: %d %s; want %s", status, health, want)
		}
	}
	down := loginConfig(p)
	brokers := down["core"].(map[string]any)["auth"].(map[string]any)["web"].(map[string]any)["broker"].([]any)
	brokers[0].(map[string]any)["endpoint"] = "http://127.0.0.1:1/issuer"
	status, health, _ = get(t, c, startFlamingo(t, down, login)+"/status/healthcheck")
	if status == http.StatusOK || !strings.Contains(health, `"name":"auth","alive":false`) {
		t.Fatalf("Flamingo's health check with the provider down: %d %s", status, health)
	}
}

// TestFlamingoWithOurModules: sessionauth's SessionModule and AuthModule
// load in a Flamingo application beside Flamingo's own SessionModule with
// the seeds' keys unchanged (Redis backend, a legacy session.* key, a
// broker list), and wrong values stop start-up with a message naming the
// key, from Flamingo's schema or from sessionauth.
func TestFlamingoWithOurModules(t *testing.T) {
	srv := redistest.Standalone(t)
	cfg := func(extra map[string]any) map[string]any {
		s := map[string]any{"backend": "redis", "cookie": map[string]any{"secure": false},
			"redis": map[string]any{"host": srv.Addr}}
		for k, v := range extra {
			s[k] = v
		}
		return map[string]any{
			"session":  map[string]any{"secret": "legacy-secret"},
			"flamingo": map[string]any{"session": s},
			"core": map[string]any{"auth": map[string]any{"web": map[string]any{"broker": []any{
				map[string]any{"broker": "dev", "typ": "fake", "users": []any{map[string]any{"username": "ada", "password": "pw"}}},
			}}}},
		}
	}
	base := startFlamingo(t, cfg(nil), modules)
	wantCounter(t, base, 2) // Flamingo's own Redis backend
	status, health, _ := get(t, browser(t), base+"/sessionauth/health")
	for _, want := range []string{`"name":"session","alive":true`, "redis answers PING", `"name":"auth","alive":true`, "dev: "} {
		if status != http.StatusOK || !strings.Contains(health, want) {
			t.Fatalf("sessionauth's health check in Flamingo: %d %s; want %s", status, health, want)
		}
	}
	tests := []struct {
		name  string
		extra map[string]any
		want  string
	}{
		{"Flamingo's schema", map[string]any{"backend": "postgres"}, "backend"},
		{"sessionauth's schema", map[string]any{"failureMode": "sometimes"}, "failureMode"},
		{"sessionauth's check", map[string]any{"store": map[string]any{"length": 1.5}}, "flamingo.session.store.length = 1.5"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if out := startupError(t, cfg(tc.extra), modules); !strings.Contains(out, tc.want) {
				t.Errorf("start-up output does not mention %q:\n%s", tc.want, out)
			}
		})
	}
}
