package sessionauth_test

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sessionauth/sessionauth/config"
	"github.com/sessionauth/sessionauth/internal/browsertest"
)

// seedsBrokerID is the case of the broker configuration of Flamingo's
// session docs, the product's origin, which is no block of ours.
const seedsBrokerID = "seeds-broker"

// seedsBrokerYAML is core.auth.web.broker as a Flamingo user wrote it for
// the seeds' controller: an OpenID Connect broker with profile and email
// and no claims block, and nothing else configured.
const seedsBrokerYAML = `core:
  auth:
    web:
      broker:
        - broker: corp
          typ: oidc
          endpoint: https://login.example/realms/shop
          clientID: shop
          clientSecret: "%%ENV:OIDC_CLIENT_SECRET%%"
          scopes: [profile, email]
`

// configCase runs one configuration block: env holds the values of its
// %%ENV:NAME%% placeholders, run starts the application with the parsed
// block and checks what a user of the block expects.
type configCase struct {
	env map[string]string
	run func(t *testing.T, m *matrix, cfg map[string]any)
}

// configCases is the table of TestConfigBlocks, by block ID (see
// configMarker).
var configCases = map[string]configCase{
	seedsBrokerID:    {env: map[string]string{"OIDC_CLIENT_SECRET": "seeds-client-secret"}, run: runSeedsBroker},
	"auth-brokers":   {env: map[string]string{"OIDC_CLIENT_SECRET": "shop-client-secret"}, run: runAuthBrokers},
	"auth-corporate": {env: map[string]string{"OIDC_CLIENT_SECRET": "corp-client-secret"}, run: runAuthCorporate},
	"backends-memory": {run: func(t *testing.T, m *matrix, cfg map[string]any) {
		sessionRoundTrip(t, cfg)
	}},
	"backends-file":               {run: runFileBackend},
	"backends-cookie":             {env: map[string]string{"SESSION_SECRET": "a-session-secret-of-32-bytes-or-more"}, run: runCookieBackend},
	"backends-redis-standalone":   {env: map[string]string{"REDIS_PASSWORD": "standalone-pw"}, run: runRedisStandalone},
	"backends-redis-acl-tls":      {env: map[string]string{"REDIS_PASSWORD": "acl-pw"}, run: runRedisACLTLS},
	"backends-redis-cluster":      {run: runRedisCluster},
	"backends-redis-client-cache": {run: runRedisClientCache},
	"backends-redis-sentinel": {env: map[string]string{"REDIS_PASSWORD": "master-pw", "SENTINEL_PASSWORD": "sentinel-pw"},
		run: runRedisSentinel},
	"config-redis-tls": {env: map[string]string{"REDIS_PASSWORD": "app-pw", "SESSION_SECRET": "a-session-secret-of-32-bytes-or-more"},
		run: runConfigRedisTLS},
	"custom-backend":            {run: runCustomBackend},
	"auth-private-key-jwt":      {env: map[string]string{"OIDC_PRIVATE_KEY": clientKeyPEM}, run: runPrivateKeyJWT},
	"auth-par":                  {env: map[string]string{"OIDC_CLIENT_SECRET": "par-client-secret"}, run: runPAR},
	"auth-frontchannel-origins": {env: map[string]string{"OIDC_CLIENT_SECRET": "fc-client-secret"}, run: runFrontChannelOrigins},
	"auth-revoke":               {env: map[string]string{"OIDC_CLIENT_SECRET": "revoke-client-secret"}, run: runRevokeAtLogout},
}

// matrix is what the cases share: one Chromium.
type matrix struct {
	browser context.Context
}

// TestConfigBlocks loads every marked configuration block of README.md and
// docs/ (and the seeds' broker configuration) with the project's YAML
// loader, starts the application with sessionauth.New and checks what a
// person sees. Tests override only address-like keys, saying which.
func TestConfigBlocks(t *testing.T) {
	blocks, _ := docConfigBlocks(t)
	blocks = append(blocks, configBlock{ID: seedsBrokerID, Where: "the seeds", Text: seedsBrokerYAML})
	m := &matrix{browser: browsertest.New(t, 10*time.Minute)}
	sort.Slice(blocks, func(i, j int) bool { return blocks[i].ID < blocks[j].ID })
	for _, b := range blocks {
		c, ok := configCases[b.ID]
		if !ok {
			continue // a flamingo/ block, or one TestConfigBlocksAreTested reports
		}
		t.Run(b.ID, func(t *testing.T) {
			for k, v := range c.env {
				t.Setenv(k, v)
			}
			cfg, err := config.ParseYAML([]byte(b.Text), os.LookupEnv)
			if err != nil {
				t.Fatalf("%s: %v", b.Where, err)
			}
			c.run(t, m, cfg)
		})
	}
}

// override replaces the value of the dotted key in cfg, whether cfg holds
// it dotted, nested or half of each; the key must be in the block.
func override(t *testing.T, cfg map[string]any, key string, value any) {
	t.Helper()
	m, k, ok := lookupKey(cfg, key)
	if !ok {
		t.Fatalf("the block has no %s to point at the test's server", key)
	}
	m[k] = value
}

// value returns the dotted key's value in cfg.
func value(t *testing.T, cfg map[string]any, key string) any {
	t.Helper()
	m, k, ok := lookupKey(cfg, key)
	if !ok {
		t.Fatalf("the block has no %s", key)
	}
	return m[k]
}

func lookupKey(m map[string]any, key string) (map[string]any, string, bool) {
	parts := strings.Split(key, ".")
	for i := len(parts); i >= 1; i-- {
		k := strings.Join(parts[:i], ".")
		v, ok := m[k]
		if !ok {
			continue
		}
		if i == len(parts) {
			return m, k, true
		}
		if sub, ok := v.(map[string]any); ok {
			if mm, kk, ok := lookupKey(sub, strings.Join(parts[i:], ".")); ok {
				return mm, kk, true
			}
		}
	}
	return nil, "", false
}

// broker returns the entry of core.auth.web.broker named name.
func broker(t *testing.T, cfg map[string]any, name string) map[string]any {
	t.Helper()
	list, _ := value(t, cfg, "core.auth.web.broker").([]any)
	for _, e := range list {
		if b, ok := e.(map[string]any); ok && b["broker"] == name {
			return b
		}
	}
	t.Fatalf("the block has no broker %q", name)
	return nil
}

func itoa(i int) string { return strconv.Itoa(i) }

// wantEqual reports each field whose value differs from what is wanted.
func wantEqual(t *testing.T, what string, got, want map[string]string) {
	t.Helper()
	failed := false
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s: %s = %q, want %q", what, k, got[k], w)
			failed = true
		}
	}
	if failed {
		t.Logf("%s: all of it: %s", what, fmt.Sprint(got))
	}
}
