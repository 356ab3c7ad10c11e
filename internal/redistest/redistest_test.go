package redistest_test

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/sessionauth/sessionauth/internal/redistest"
)

func TestServers(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name  string
		start func(t testing.TB) *redistest.Server
	}{
		{"standalone", redistest.Standalone},
		{"tls", redistest.TLS},
		{"acl", func(t testing.TB) *redistest.Server { return redistest.ACL(t, "app", "pw", "~app:*", "+@all") }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := tc.start(t)
			c := srv.Client(t)
			if err := c.Set(ctx, "k", "v", 0).Err(); err != nil {
				t.Fatal(err)
			}
			if dir, err := c.ConfigGet(ctx, "dir").Result(); err != nil || dir["dir"] != srv.Dir {
				t.Fatalf("the server answering on %s works in %v (%v), want %s", srv.Addr, dir, err, srv.Dir)
			}
			once := redis.NewClient(&redis.Options{Addr: srv.Addr, Password: srv.Password, TLSConfig: srv.TLSConfig(), MaxRetries: -1})
			defer once.Close()
			if err := once.Ping(ctx).Err(); err != nil {
				t.Fatal(err)
			}
			srv.Stop()
			if err := once.Ping(ctx).Err(); err == nil {
				t.Fatal("the server still answers after Stop")
			}
		})
	}
}

func TestTLSVerifiesTheServer(t *testing.T) {
	srv := redistest.TLS(t)
	ctx := context.Background()
	plain := redis.NewClient(&redis.Options{Addr: srv.Addr, MaxRetries: -1})
	defer plain.Close()
	if err := plain.Ping(ctx).Err(); err == nil {
		t.Fatal("the TLS server answers a client without TLS")
	}
	cfg := srv.TLSConfig()
	cfg.ServerName = "redis.example"
	wrongName := redis.NewClient(&redis.Options{Addr: srv.Addr, TLSConfig: cfg, MaxRetries: -1})
	defer wrongName.Close()
	if err := wrongName.Ping(ctx).Err(); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("a client verifying another name = %v, want a certificate error", err)
	}
	opts, err := redis.ParseURL(srv.URL("", "", 0))
	if err != nil || opts.TLSConfig == nil {
		t.Fatalf("URL() = %q is not a rediss:// URL (%v)", srv.URL("", "", 0), err)
	}
}

func TestACLLimitsTheUser(t *testing.T) {
	srv := redistest.ACL(t, "app", "secret", "~app:*", "+@hash", "+ping")
	ctx := context.Background()
	opts, err := redis.ParseURL(srv.URL("app", "secret", 0))
	if err != nil {
		t.Fatal(err)
	}
	user := redis.NewClient(opts)
	defer user.Close()
	if err := user.HSet(ctx, "app:1", "f", "v").Err(); err != nil {
		t.Fatalf("the user cannot use its keys: %v", err)
	}
	if err := user.HSet(ctx, "other:1", "f", "v").Err(); err == nil || !strings.Contains(err.Error(), "NOPERM") {
		t.Fatalf("HSET outside the user's keys = %v, want NOPERM", err)
	}
	anonymous := redis.NewClient(&redis.Options{Addr: srv.Addr, MaxRetries: -1})
	defer anonymous.Close()
	if err := anonymous.Ping(ctx).Err(); err == nil {
		t.Fatal("the default user works without password")
	}
}

func TestCluster(t *testing.T) {
	for _, withTLS := range []bool{false, true} {
		t.Run(fmt.Sprintf("tls=%v", withTLS), func(t *testing.T) {
			t.Parallel()
			cluster := redistest.Cluster(t, withTLS)
			ctx := context.Background()
			c := cluster.Client(t)
			for i := 0; i < 30; i++ { // keys in every node's slots
				if err := c.Set(ctx, fmt.Sprintf("key-%d", i), i, 0).Err(); err != nil {
					t.Fatal(err)
				}
			}
			var masters atomic.Int32
			err := c.ForEachMaster(ctx, func(ctx context.Context, m *redis.Client) error {
				masters.Add(1)
				n, err := m.DBSize(ctx).Result()
				if err == nil && n == 0 {
					err = fmt.Errorf("master %s holds no key", m.Options().Addr)
				}
				return err
			})
			if err != nil || masters.Load() != redistest.ClusterNodes {
				t.Fatalf("%d masters, %v; want %d masters that each hold keys", masters.Load(), err, redistest.ClusterNodes)
			}
		})
	}
}

// fatalRecorder stops at Fatalf and keeps the message.
type fatalRecorder struct {
	testing.TB
	msg string
}

func (r *fatalRecorder) Fatalf(format string, args ...any) {
	r.msg = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

func (r *fatalRecorder) Fatal(args ...any) {
	r.msg = fmt.Sprint(args...)
	runtime.Goexit()
}

// fatalMessage runs start and returns what it fails with.
func fatalMessage(t *testing.T, start func(testing.TB)) string {
	rec := &fatalRecorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		start(rec)
	}()
	<-done
	return rec.msg
}

func TestStartFailureShowsTheLog(t *testing.T) {
	msg := fatalMessage(t, func(t testing.TB) { redistest.Start(t, redistest.Options{Config: []string{"no-such-directive yes"}}) })
	for _, want := range []string{"redis-server did not start", "no-such-directive"} {
		if !strings.Contains(msg, want) {
			t.Errorf("failure message %q does not mention %q", msg, want)
		}
	}
}

func TestMissingServerSaysHowToInstallIt(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	msg := fatalMessage(t, func(t testing.TB) { redistest.Standalone(t) })
	if !strings.Contains(msg, "install it with: apt-get install -y redis-server") {
		t.Fatalf("failure message %q does not say how to install redis-server", msg)
	}
}
