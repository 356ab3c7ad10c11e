package redisstore_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/sessionauth/sessionauth/infrastructure/redisstore"
	"github.com/sessionauth/sessionauth/internal/redistest"
)

func TestRepositorySentinel(t *testing.T) {
	t.Parallel()
	s := redistest.Sentinel(t)
	client := newClient(t, redisstore.ClientOptions{Sentinel: redisstore.SentinelOptions{Master: redistest.SentinelMaster, Addresses: s.Addr}})
	contract(t, client, client, "sentinel:", wrongType)

	// The sessions are on the master the Sentinel names, and replicated.
	ctx := context.Background()
	saveNew(t, redisstore.New(client, redisstore.Options{KeyPrefix: "sentinel:"}), tenValues())
	if n, err := s.Master.Client(t).DBSize(ctx).Result(); err != nil || n == 0 {
		t.Fatalf("the master holds %d keys (%v); the client did not write to it", n, err)
	}
	master, replica := s.Master.Client(t), s.Replica.Client(t)
	deadline := time.Now().Add(5 * time.Second)
	for {
		m, _ := master.DBSize(ctx).Result()
		r, _ := replica.DBSize(ctx).Result()
		if m == r {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the replica holds %d keys, the master %d", r, m)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestSentinelOptionsAreChecked(t *testing.T) {
	tests := []struct {
		name string
		opts redisstore.ClientOptions
		want []string
	}{
		{"no addresses", redisstore.ClientOptions{Sentinel: redisstore.SentinelOptions{Master: "m"}},
			[]string{"flamingo.session.redis.sentinel.addresses", "comma-separated"}},
		{"bad address", redisstore.ClientOptions{Sentinel: redisstore.SentinelOptions{Master: "m", Addresses: "a:1,b:x"}},
			[]string{"flamingo.session.redis.sentinel.addresses", `"a:1,b:x"`, "host:port"}},
		{"with cluster mode", redisstore.ClientOptions{ClusterMode: true, Sentinel: redisstore.SentinelOptions{Master: "m", Addresses: "s1"}},
			[]string{"flamingo.session.redis.sentinel.master", "clusterMode"}},
		{"sentinel password not shown", redisstore.ClientOptions{ClusterMode: true, Sentinel: redisstore.SentinelOptions{Master: "m", Addresses: "s1", Password: "hunter2"}},
			[]string{"flamingo.session.redis.sentinel.master"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := redisstore.NewClient(tc.opts)
			if err == nil {
				t.Fatal("NewClient accepted the options")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %s", err, w)
				}
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("error %q shows the Sentinel password", err)
			}
		})
	}
	c, err := redisstore.NewClient(redisstore.ClientOptions{Sentinel: redisstore.SentinelOptions{Master: "m", Addresses: "s1, s2:26380"}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, ok := c.(*redis.Client); !ok {
		t.Fatalf("NewClient with Sentinel gave %T, want a failover *redis.Client", c)
	}
}
