package sessionauth_test

import (
	"context"
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
	wantKeys(t, srv.Client(t), "")
	admin := srv.Client(t)
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
