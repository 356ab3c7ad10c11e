package main_test

import (
	"fmt"
	"net"
	"os"
	"strings"
	"testing"
)

// exampleConfig is the example application's configuration, the file
// make run runs.
const exampleConfig = "../../example/config.yml"

// brokenExample writes a copy of the example's configuration with old
// replaced by new and returns its path.
func brokenExample(t *testing.T, old, new string) string {
	t.Helper()
	data, err := os.ReadFile(exampleConfig)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), old) {
		t.Fatalf("%s lacks %q", exampleConfig, old)
	}
	return configFile(t, strings.Replace(string(data), old, new, 1))
}

func TestCheckExampleConfiguration(t *testing.T) {
	r := sessionauth(t, nil, "check", "--connect", exampleConfig)
	r.want(t, 0, r.stdout, `flamingo.session.backend = "memory"`, `core.auth.web.defaultBroker = "dev"`,
		`core.auth.web.baseURL = "http://127.0.0.1:3322"`, "core.auth.web.broker[0].users[0].password = (set)",
		"flamingo.session.secret = (set)", "\nthe configuration is usable\n")
	r.want(t, 0, r.stderr, `warning: flamingo.session.backend = "memory": the sessions live inside each application process`)
	r.hides(t, "example-only-secret-replace-with-32-random-bytes")
}

func TestCheckExampleMisspeltKey(t *testing.T) {
	path := brokenExample(t, "defaultBroker: dev", "defaultBroler: dev")
	r := sessionauth(t, nil, "check", "--connect", path)
	r.want(t, 1, r.stderr, "sessionauth: invalid configuration: config key core.auth.web.defaultBroler: no such key; did you mean core.auth.web.defaultBroker? (the keys are listed in docs/config.md)")
	r.want(t, 1, r.stdout, "connect: skipped, the configuration has problems\n1 problem\n")
}

func TestCheckExampleUnreachableRedis(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close() // nothing listens there now
	path := brokenExample(t, "backend: memory", fmt.Sprintf("backend: redis\n    redis:\n      host: %q\n      timeout: 1s", addr))
	r := sessionauth(t, nil, "check", "--connect", path)
	r.want(t, 1, r.stdout, fmt.Sprintf(`FAIL redis: config key flamingo.session.redis.host = %q: Redis does not answer within 1s (flamingo.session.redis.timeout): dial tcp %s: connect: connection refused;`, addr, addr),
		"0 problems, 1 failed connection check\n")
	if strings.Contains(r.stderr, "go-redis") {
		t.Errorf("go-redis's own log line beside the command's message:\n%s", r.stderr)
	}
}
