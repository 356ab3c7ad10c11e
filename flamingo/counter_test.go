package sessionauthflamingo_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/sessionauth/sessionauth/internal/redistest"
)

func baseConfig(repository string) map[string]any {
	return map[string]any{
		"flamingo": map[string]any{"session": map[string]any{
			"backend": "custom", "repository": repository, "secret": "flamingo-test-secret",
			"cookie": map[string]any{"secure": false},
		}},
	}
}

func session(cfg map[string]any) map[string]any {
	return cfg["flamingo"].(map[string]any)["session"].(map[string]any)
}

func TestFlamingoCounterOnOurRepositories(t *testing.T) {
	srv := redistest.Standalone(t)
	cluster := redistest.Cluster(t, false)
	tests := []struct {
		name    string
		details string
		cfg     func() map[string]any
	}{
		{"memory", "memory session repository", func() map[string]any { return baseConfig("memory") }},
		{"file", "", func() map[string]any {
			c := baseConfig("file")
			session(c)["file"] = t.TempDir()
			return c
		}},
		{"redis", "redis answers PING", func() map[string]any {
			c := baseConfig("redis")
			session(c)["redis"] = map[string]any{"host": srv.Addr}
			return c
		}},
		{"redis cluster", "redis answers PING", func() map[string]any {
			c := baseConfig("redis")
			session(c)["redis"] = map[string]any{"host": strings.Join(cluster.Addrs(), ","), "clusterMode": true}
			return c
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			base := startFlamingo(t, tc.cfg(), custom)
			wantCounter(t, base, 3)
			resp, err := http.Get(base + "/status/healthcheck")
			if err != nil {
				t.Fatal(err)
			}
			health, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 || !strings.Contains(string(health), `"name":"session","alive":true`) || !strings.Contains(string(health), tc.details) {
				t.Fatalf("Flamingo's health check: %d %s; want sessionauth's session check (%q)", resp.StatusCode, health, tc.details)
			}
		})
	}
}
