package redisstore_test

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/infrastructure/redisstore"
	"github.com/sessionauth/sessionauth/internal/redistest"
)

// TestWaitReplicas saves with waitReplicas 1 on a master with one
// replica: saves succeed while the replica acknowledges them and fail with
// ErrReplicas, after the wait timeout, once it is gone.
func TestWaitReplicas(t *testing.T) {
	t.Parallel()
	master := redistest.Start(t, redistest.Options{Config: []string{"repl-diskless-sync-delay 0"}})
	host, port, _ := strings.Cut(master.Addr, ":")
	replica := redistest.Start(t, redistest.Options{Config: []string{fmt.Sprintf("replicaof %s %s", host, port)}})
	admin := master.Client(t)
	waitFor(t, "replica online", func() bool {
		info, err := admin.Info(context.Background(), "replication").Result()
		return err == nil && strings.Contains(info, "state=online")
	})
	const wait = time.Second
	repo := redisstore.New(newClient(t, redisstore.ClientOptions{Host: master.Addr}), redisstore.Options{WaitReplicas: 1, WaitTimeout: wait})
	s := saveNew(t, repo, map[string]any{"a": 1})
	s.Store("a", 2)
	must(t, repo.Save(context.Background(), s))
	if got, err := replica.Client(t).HGet(context.Background(), s.ID(), "v:a").Bytes(); err != nil || len(got) == 0 {
		t.Fatalf("the replica holds %q, %v right after the save; want the value", got, err)
	}

	replica.Kill()
	s.Store("a", 3)
	start := time.Now()
	err := repo.Save(context.Background(), s)
	took := time.Since(start)
	if !errors.Is(err, redisstore.ErrReplicas) || !strings.Contains(err.Error(), "flamingo.session.redis.waitReplicas") || took < wait {
		t.Fatalf("save without a replica = %v after %v; want ErrReplicas naming the key after the wait timeout %v", err, took, wait)
	}
	if err := repo.Delete(context.Background(), s.ID()); !errors.Is(err, redisstore.ErrReplicas) {
		t.Fatalf("delete without a replica = %v; want ErrReplicas", err)
	}
}

// TestClusterSaveRunsOnce makes a save time out while its master is busy
// (with a script that runs for busyFor): the save fails, and its script
// runs once, when the master is free again, and not once more for a
// retry.
func TestClusterSaveRunsOnce(t *testing.T) {
	t.Parallel()
	const busyFor = 800 * time.Millisecond
	cluster := redistest.Cluster(t, false)
	client := newClient(t, redisstore.ClientOptions{Host: cluster.Addrs()[0], ClusterMode: true, Timeout: 200 * time.Millisecond})
	repo := redisstore.New(client, redisstore.Options{})
	s := saveNew(t, repo, map[string]any{"a": 1})
	node, err := client.(*redis.ClusterClient).MasterForKey(context.Background(), s.ID())
	must(t, err)
	master := redis.NewClient(&redis.Options{Addr: node.Options().Addr})
	defer master.Close()
	must(t, master.ConfigResetStat(context.Background()).Err())
	busy := make(chan error, 1)
	go func() { busy <- master.Eval(context.Background(), busyScript, nil, busyFor.Microseconds()).Err() }()
	time.Sleep(50 * time.Millisecond)

	s.Store("a", 2)
	saveErr := repo.Save(context.Background(), s)
	must(t, <-busy)
	time.Sleep(200 * time.Millisecond)
	stats, err := master.Info(context.Background(), "commandstats").Result()
	must(t, err)
	if calls := evalshaCalls(stats); calls != 1 || saveErr == nil || errors.Is(saveErr, domain.ErrSessionNotFound) {
		t.Fatalf("the save script ran %d times on the master, the save returned %v; want once, and a timeout", calls, saveErr)
	}
}

// busyScript keeps the server busy for ARGV[1] microseconds.
const busyScript = `
local t = redis.call('TIME')
local start = t[1] * 1000000 + t[2]
repeat t = redis.call('TIME') until t[1] * 1000000 + t[2] - start >= tonumber(ARGV[1])
return 0`

// evalshaCalls is the number of EVALSHA calls in INFO commandstats.
func evalshaCalls(stats string) int {
	for _, line := range strings.Split(stats, "\n") {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(line), "cmdstat_evalsha:calls="); ok {
			calls, _, _ := strings.Cut(rest, ",")
			n, _ := strconv.Atoi(calls)
			return n
		}
	}
	return 0
}
