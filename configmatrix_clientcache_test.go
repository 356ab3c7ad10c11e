package sessionauth_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sessionauth/sessionauth/internal/redistest"
)

// runRedisClientCache overrides flamingo.session.redis.host with a
// server of the test's; the block's cache turns tracking on and listens to
// Redis's reports.
func runRedisClientCache(t *testing.T, _ *matrix, cfg map[string]any) {
	srv := redistest.Standalone(t)
	override(t, cfg, "flamingo.session.redis.host", srv.Addr)
	sessionRoundTrip(t, cfg)
	admin := srv.Client(t)
	keys, err := admin.Keys(context.Background(), "*").Result()
	if err != nil {
		t.Fatal(err)
	}
	sessions := slices.DeleteFunc(keys, func(k string) bool { return strings.HasPrefix(k, "~tracking:") }) // the cache's heartbeat
	if len(sessions) != 1 {
		t.Fatalf("Redis holds the keys %q besides the heartbeat; want one session key", sessions)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		ran, err := redistest.ReadCommands(context.Background(), admin)
		if err != nil {
			t.Fatal(err)
		}
		if ran["client|tracking"].Calls > 0 && ran["subscribe"].Calls > 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("with clientCache on, Redis ran no CLIENT TRACKING and SUBSCRIBE within 5s: %v", ran)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
