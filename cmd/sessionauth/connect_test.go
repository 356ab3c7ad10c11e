package main_test

import (
	"fmt"
	"net"
	"strings"
	"testing"

	"github.com/sessionauth/sessionauth/internal/oidctest"
	"github.com/sessionauth/sessionauth/internal/redistest"
)

// connectConfig is a configuration of the redis backend at redisURL with
// one OpenID broker at issuer, and extra lines for the broker entry.
func connectConfig(t *testing.T, redis, issuer string, brokerLines ...string) string {
	t.Helper()
	entry := fmt.Sprintf("    - broker: corp\n      typ: oidc\n      endpoint: %q\n      clientID: sessionauth\n      clientSecret: secret\n", issuer)
	for _, l := range brokerLines {
		entry += "      " + l + "\n"
	}
	return configFile(t, fmt.Sprintf(`flamingo.session:
  backend: redis
  secret: %q
%s
core.auth.web:
  baseURL: https://shop.example
  tokenKey: %q
  broker:
%s`, secret, redis, secret, entry))
}

func TestCheckConnect(t *testing.T) {
	srv := redistest.Standalone(t)
	op := oidctest.Start(t, oidctest.Options{})
	path := connectConfig(t, fmt.Sprintf("  redis.url: %q", srv.URL("", "", 0)), op.Issuer, "enableEndSessionEndpoint: true")
	r := sessionauth(t, nil, "check", path, "--connect") // flags after the files, too
	r.want(t, 0, r.stdout, "ok   redis: answers PING at "+srv.Addr,
		"ok   broker corp: discovery of "+op.Issuer+" and its JWKS (1 signing key) fetched; ID token algorithms RS256",
		"the configuration is usable")
}

func TestCheckConnectCluster(t *testing.T) {
	c := redistest.Cluster(t, false)
	op := oidctest.Start(t, oidctest.Options{})
	path := connectConfig(t, fmt.Sprintf("  redis.host: %q\n  redis.clusterMode: true", strings.Join(c.Addrs(), ",")), op.Issuer)
	r := sessionauth(t, nil, "check", "--connect", path)
	texts := []string{"ok   redis slots: all 16384 hash slots are served, by 3 masters"}
	for _, addr := range c.Addrs() {
		texts = append(texts, fmt.Sprintf("ok   redis node %s (master): answers PING", addr))
	}
	r.want(t, 0, r.stdout, texts...)
}

func TestCheckConnectUnreachableRedis(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close() // nothing listens there now
	op := oidctest.Start(t, oidctest.Options{})
	path := connectConfig(t, fmt.Sprintf("  redis.host: %q\n  redis.timeout: 1s", addr), op.Issuer)
	r := sessionauth(t, nil, "check", "--connect", path)
	r.want(t, 1, r.stdout, fmt.Sprintf(`FAIL redis: config key flamingo.session.redis.host = %q: Redis does not answer within 1s (flamingo.session.redis.timeout): dial tcp %s: connect: connection refused;`, addr, addr),
		"ok   broker corp", "0 problems, 1 failed connection check\n")
}

func TestCheckConnectWrongPassword(t *testing.T) {
	srv := redistest.ACL(t, "app", "right-password", "~*", "+@all")
	op := oidctest.Start(t, oidctest.Options{})
	url := srv.URL("app", "wrong-password", 0)
	path := connectConfig(t, fmt.Sprintf("  redis.url: %q", url), op.Issuer)
	r := sessionauth(t, nil, "check", "--connect", path)
	r.want(t, 1, r.stdout, fmt.Sprintf(`FAIL redis: config key flamingo.session.redis.url = "redis://app:xxxxx@%s/0": Redis does not answer within 5s (flamingo.session.redis.timeout): WRONGPASS`, srv.Addr))
	r.hides(t, "wrong-password", "right-password")
}

func TestCheckConnectDiscoveryNotFound(t *testing.T) {
	srv := redistest.Standalone(t)
	op := oidctest.Start(t, oidctest.Options{})
	path := connectConfig(t, fmt.Sprintf("  redis.url: %q", srv.URL("", "", 0)), op.Issuer+"/realms/shop")
	r := sessionauth(t, nil, "check", "--connect", path)
	r.want(t, 1, r.stdout, fmt.Sprintf(`FAIL broker corp: config key core.auth.web.broker[0].endpoint = "%[1]s/realms/shop": the discovery document %[1]s/realms/shop/.well-known/openid-configuration: answers 404 Not Found; write the issuer URL`, op.Issuer),
		"ok   redis: answers PING")
}

func TestCheckConnectIssuerMismatch(t *testing.T) {
	srv := redistest.Standalone(t)
	op := oidctest.Start(t, oidctest.Options{})
	path := connectConfig(t, fmt.Sprintf("  redis.url: %q", srv.URL("", "", 0)), op.Issuer+"/")
	r := sessionauth(t, nil, "check", "--connect", path)
	r.want(t, 1, r.stdout, fmt.Sprintf(`FAIL broker corp: config key core.auth.web.broker[0].endpoint = "%[1]s/": the provider names its issuer "%[1]s"; write exactly that`, op.Issuer))
}

func TestCheckConnectNoEndSessionEndpoint(t *testing.T) {
	srv := redistest.Standalone(t)
	rogue := oidctest.StartRogue(t, "sessionauth")
	path := connectConfig(t, fmt.Sprintf("  redis.url: %q", srv.URL("", "", 0)), rogue.Issuer, "enableEndSessionEndpoint: true")
	r := sessionauth(t, nil, "check", "--connect", path)
	r.want(t, 1, r.stdout, "FAIL broker corp: config key core.auth.web.broker[0].enableEndSessionEndpoint = true: the provider announces no end_session_endpoint; set it to false")
}

func TestCheckConnectSkippedWithProblems(t *testing.T) {
	path := configFile(t, "flamingo.session: {backend: redis, redis.host: \"127.0.0.1:1\", max.age: 0}\n")
	r := sessionauth(t, nil, "check", "--connect", path)
	r.want(t, 1, r.stdout, "connect: skipped, the configuration has problems")
	r.want(t, 1, r.stderr, "config key flamingo.session.max.age = 0: is less than 1")
}

func TestCheckConnectSentinel(t *testing.T) {
	s := redistest.Sentinel(t)
	op := oidctest.Start(t, oidctest.Options{})
	path := connectConfig(t, fmt.Sprintf("  redis.sentinel.master: %q\n  redis.sentinel.addresses: %q", redistest.SentinelMaster, s.Addr), op.Issuer)
	r := sessionauth(t, nil, "check", "--connect", path)
	r.want(t, 0, r.stdout, `ok   redis: the master "sessions" that Sentinel names answers PING`)
}
