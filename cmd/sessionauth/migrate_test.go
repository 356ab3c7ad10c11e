package main_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base32"
	"encoding/gob"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"flamingo.me/dingo"
	"github.com/redis/go-redis/v9"

	lib "github.com/sessionauth/sessionauth"
	"github.com/sessionauth/sessionauth/config"
	"github.com/sessionauth/sessionauth/infrastructure/gorillabridge"
	"github.com/sessionauth/sessionauth/internal/redistest"
)

// legacyID is an ID as Flamingo's Redis backend makes them.
func legacyID() string {
	k := make([]byte, 64)
	_, _ = rand.Read(k)
	return strings.TrimRight(base32.StdEncoding.EncodeToString(k), "=")
}

// legacyRecord is the gob encoding of a gorilla session's Values.
func legacyRecord(t *testing.T, values map[any]any) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := gob.NewEncoder(&b).Encode(values); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// unknownType is registered in this process only: the command cannot
// decode a record that holds one.
type unknownType struct{ N int }

func init() { gob.RegisterName("opcmd.test.unknown", unknownType{}) }

func TestMigrateRedis(t *testing.T) {
	srv := redistest.Standalone(t)
	path := sessionsConfig(t, fmt.Sprintf("  backend: redis\n  redis.url: %q\n  migrate.from: redis\n  migrate.redis.url: %q",
		srv.URL("", "", 0), srv.URL("", "", 1)))
	oldClient := redisClient(t, srv.URL("", "", 1))
	ctx := context.Background()
	a, b, bad := legacyID(), legacyID(), legacyID()
	for id, v := range map[string]map[any]any{
		a:   {"cart": "3 books", "core.auth.oidc.main.token": "tok"},
		b:   {"cart": "1 lamp"},
		bad: {"x": unknownType{N: 1}},
	} {
		if err := oldClient.Set(ctx, "session:"+id, legacyRecord(t, v), 0).Err(); err != nil {
			t.Fatal(err)
		}
	}
	oldClient.Set(ctx, "session:not-an-id", "x", 0)

	dry := sessionauth(t, nil, "migrate", "--config", path, "--from", "redis", "--dry-run")
	dry.want(t, 0, dry.stdout, "would move: 2\n", "skipped: 1\n", "the old session cannot be read: decode:", "failed: 0\n", "other keys: 1\n")
	if n := oldClient.Exists(ctx, "session:"+a, "session:"+b).Val(); n != 2 {
		t.Fatalf("the dry run moved sessions: %d of 2 old ones left", n)
	}
	run := sessionauth(t, nil, "migrate", "--config", path, "--from", "redis", "--rate", "0")
	run.want(t, 0, run.stdout, "moved: 2\n", "skipped: 1\n", "failed: 0\n")
	if n := oldClient.Exists(ctx, "session:"+a, "session:"+b, "session:"+bad).Val(); n != 1 {
		t.Fatalf("%d old sessions left, want the one that cannot be read", n)
	}
	// The old cookie opens the moved session for as long as the old session
	// could have lived (max.age, 30 days by default), not only for the live
	// migration's window of seconds: its marker says so.
	if ttl := oldClient.TTL(ctx, "session:"+a+":sessionauth-migrating").Val(); ttl < 29*24*time.Hour {
		t.Errorf("the old cookie opens the moved session for %v only", ttl)
	}
	again := sessionauth(t, nil, "migrate", "--config", path, "--from", "redis")
	again.want(t, 0, again.stdout, "moved: 0\n", "skipped: 1\n")

	// A visitor who comes back with the old cookie gets the moved session,
	// in a Flamingo application (through the gorilla store, whose
	// migration flamingo.session.migrate.from turns on).
	cfg, err := config.LoadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	injector, err := dingo.NewInjector(lib.ConfigModule(cfg), new(lib.SessionModule))
	if err != nil {
		t.Fatal(err)
	}
	store, err := lib.Get[*gorillabridge.Store](injector)
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.AddCookie(&http.Cookie{Name: "flamingo", Value: a})
	sess, err := store.Get(req, "flamingo")
	if err != nil || sess.Values["cart"] != "3 books" || sess.Values["core.auth.oidc.main.token"] != nil {
		t.Errorf("the old cookie's visitor has %v, %v; want the cart without Flamingo's token", sess.Values, err)
	}
}

// redisClient is a client of the Redis at url.
func redisClient(t *testing.T, url string) *redis.Client {
	t.Helper()
	opts, err := redis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	c := redis.NewClient(opts)
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func TestMigrateFailures(t *testing.T) {
	file := sessionsConfig(t, fmt.Sprintf("  backend: file\n  file: %q", t.TempDir()))
	missing := filepath.Join(t.TempDir(), "gone")
	noDir := sessionsConfig(t, fmt.Sprintf("  backend: file\n  file: %q\n  migrate.from: file\n  migrate.file: %q", t.TempDir(), missing))
	for _, c := range []struct {
		name string
		args []string
		code int
		text string
	}{
		{"no from", []string{"--config", file}, 2, "say where the old sessions are: --from redis or --from file"},
		{"file not configured", []string{"--config", file, "--from", "file"}, 1, `flamingo.session.migrate.from is "", not "file": set it in the application's configuration first`},
		{"no old directory", []string{"--config", noDir, "--from", "file"}, 1, `config key flamingo.session.migrate.file = "` + missing + `": stat: no such file or directory; name the directory of Flamingo's file backend (its flamingo.session.file)`},
		{"not configured", []string{"--config", file, "--from", "redis"}, 1, `flamingo.session.migrate.from is "", not "redis": set it in the application's configuration first`},
		{"help", []string{"-h"}, 0, "Usage: sessionauth migrate"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := sessionauth(t, nil, append([]string{"migrate"}, c.args...)...)
			r.want(t, c.code, r.stderr, c.text)
		})
	}
}

// TestMigrateRedisCluster: the old sessions spread over the masters of a
// cluster all move into the cluster's new backend.
func TestMigrateRedisCluster(t *testing.T) {
	c := redistest.Cluster(t, false)
	hosts := strings.Join(c.Addrs(), ",")
	path := sessionsConfig(t, fmt.Sprintf("  backend: redis\n  redis.host: %q\n  redis.clusterMode: true\n  redis.keyPrefix: \"new:\"\n  migrate.from: redis\n  migrate.keyPrefix: \"session:\"", hosts))
	old := c.Client(t)
	for range 30 {
		if err := old.Set(context.Background(), "session:"+legacyID(), legacyRecord(t, map[any]any{"cart": "3 books"}), 0).Err(); err != nil {
			t.Fatal(err)
		}
	}
	r := sessionauth(t, nil, "migrate", "--config", path, "--from", "redis", "--rate", "0")
	r.want(t, 0, r.stdout, "moved: 30\n", "skipped: 0\n", "failed: 0\n")
	stats := sessionauth(t, nil, "stats", "--config", path)
	stats.want(t, 0, stats.stdout, "  anonymous            30  ")
}
