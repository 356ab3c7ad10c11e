package redisstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/sessionauth/sessionauth/infrastructure/redisstore"
	"github.com/sessionauth/sessionauth/internal/redistest"
)

// After a Sentinel switchover (SENTINEL FAILOVER) the cache serves no
// copy older than a write made on the new master.
func TestClientCacheSentinelSwitchover(t *testing.T) {
	s := redistest.Sentinel(t)
	opts := redisstore.ClientOptions{Sentinel: redisstore.SentinelOptions{Master: redistest.SentinelMaster, Addresses: s.Addr}}
	admin := newClient(t, opts).(*redis.Client)
	in := newCacheInstance(t, newClient(t, opts).(*redis.Client), redisstore.Options{KeyPrefix: "sw:", MaxAge: time.Hour,
		ClientCache: redisstore.ClientCacheOptions{MaxStale: time.Hour}}) // only the heartbeat may end the copy
	writer := redisstore.New(admin, redisstore.Options{KeyPrefix: "sw:", MaxAge: time.Hour})
	ctx := context.Background()
	id := saveNew(t, writer, tenValues()).ID()
	settle(t, admin, "sw:", in)
	mustLoad(t, in.repo, id)
	if n := in.trips.During(func() { mustLoad(t, in.repo, id) }); n != 0 {
		t.Fatalf("the session is not cached (%d round trips)", n)
	}
	before, err := s.MasterAddr(ctx)
	must(t, err)
	sentinel := redis.NewSentinelClient(&redis.Options{Addr: s.Addr})
	t.Cleanup(func() { _ = sentinel.Close() })
	must(t, sentinel.Failover(ctx, redistest.SentinelMaster).Err())
	deadline := time.Now().Add(20 * time.Second)
	for after, _ := s.MasterAddr(ctx); after == before; after, _ = s.MasterAddr(ctx) {
		if time.Now().After(deadline) {
			t.Fatalf("the master is still %s 20s after SENTINEL FAILOVER", before)
		}
		time.Sleep(50 * time.Millisecond)
	}
	// Until the change is on the master the Sentinel names now: a save
	// acknowledged by the old master during the switchover may be lost.
	changed := func() bool {
		sess, err := writer.Load(ctx, id)
		if err != nil {
			return false
		}
		if sess.Try("user") == "carol" {
			return true
		}
		sess.Store("user", "carol")
		_ = writer.Save(ctx, sess)
		return false
	}
	for !changed() {
		if time.Now().After(deadline) {
			t.Fatal("the change is not on the new master after 20s")
		}
		time.Sleep(50 * time.Millisecond)
	}
	settle(t, admin, "sw:", in)
	sess, err := in.repo.Load(ctx, id)
	for err != nil && time.Now().Before(deadline) { // a connection the switchover closed
		time.Sleep(50 * time.Millisecond)
		sess, err = in.repo.Load(ctx, id)
	}
	must(t, err)
	if got := sess.Try("user"); got != "carol" {
		t.Fatalf("after the switchover and a save on the new master, user = %v; want carol", got)
	}
}
