package sessionauthflamingo_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/sessionauth/sessionauth/internal/redistest"
)

func baseConfig(repository string) map[string]interface{} {
	return map[string]interface{}{
		"flamingo": map[string]interface{}{"session": map[string]interface{}{
			"backend": "custom", "repository": repository, "secret": "flamingo-test-secret",
			"cookie": map[string]interface{}{"secure": false},
		}},
	}
}

func session(cfg map[string]interface{}) map[string]interface{} {
	return cfg["flamingo"].(map[string]interface{})["session"].(map[string]interface{})
}

func TestFlamingoCounterOnOurRepositories(t *testing.T) {
	srv := redistest.Standalone(t)
	cluster := redistest.Cluster(t, false)
	tests := []struct {
		name    string
		details string
		cfg     func() map[string]interface{}
	}{
		{"memory", "memory session repository", func() map[string]interface{} { return baseConfig("memory") }},
		{"file", "", func() map[string]interface{} {
			c := baseConfig("file")
			session(c)["file"] = t.TempDir()
			return c
		}},
		{"redis", "redis answers PING", func() map[string]interface{} {
			c := baseConfig("redis")
			session(c)["redis"] = map[string]interface{}{"host": srv.Addr}
			return c
		}},
		{"redis cluster", "redis answers PING", func() map[string]interface{} {
			c := baseConfig("redis")
			session(c)["redis"] = map[string]interface{}{"host": strings.Join(cluster.Addrs(), ","), "clusterMode": true}
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
