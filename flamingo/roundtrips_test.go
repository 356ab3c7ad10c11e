package sessionauthflamingo_test

import (
	"testing"

	"github.com/sessionauth/sessionauth/internal/redistest"
)

// TestFlamingoRedisCommandsPerRequest counts, with INFO commandstats, what
// Redis runs for one request of a returning visitor whose Flamingo session
// (saveMode Always: Flamingo saves the whole session twice per request)
// lives in sessionauth's Redis repository. A read is one round trip
// (HGETALL of the session's hash and of its big-values hash, pipelined):
// neither save writes, since nothing changed and the expiry has
// not run down by a tenth of max.age. A change is two: the HGETALLs and one
// save script (EVALSHA, and the commands it runs; Flamingo's second save
// writes nothing).
func TestFlamingoRedisCommandsPerRequest(t *testing.T) {
	srv := redistest.Standalone(t)
	cfg := baseConfig("redis")
	session(cfg)["redis"] = map[string]any{"host": srv.Addr}
	base := startFlamingo(t, cfg, custom)
	admin := srv.Client(t)
	c := browser(t)
	get(t, c, base+"/") // the first visit makes the session
	const write = "evalsha=1 hgetall=2 hmget=1 hset=1 pexpire=1"
	for i, step := range []struct{ path, body, want string }{
		{"/read", "1", "hgetall=2"},
		{"/", "2", write},
		{"/read", "2", "hgetall=2"},
		{"/", "3", write},
	} {
		var body string
		got := redistest.CommandsDuring(t, admin, func() { _, body, _ = get(t, c, base+step.path) })
		if body != step.body || got.String() != step.want {
			t.Errorf("request %d, %s: answer %q, Redis ran %q; want %q and %q", i+1, step.path, body, got, step.body, step.want)
		}
	}
}
