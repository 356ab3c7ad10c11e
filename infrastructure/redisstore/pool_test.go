package redisstore_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/infrastructure/redisstore"
	"github.com/sessionauth/sessionauth/internal/redistest"
)

// TestPoolUnderClientPause loads sessions from many goroutines while the
// server is paused (CLIENT PAUSE): the configured pool size bounds the
// connections, and the loads that find no free connection fail after the
// pool timeout, not after the server resumes.
func TestPoolUnderClientPause(t *testing.T) {
	t.Parallel()
	const (
		poolSize = 4
		loads    = 64
		pause    = 1500 * time.Millisecond
		wait     = 200 * time.Millisecond
	)
	srv := redistest.Standalone(t)
	admin := srv.Client(t)
	client := newClient(t, redisstore.ClientOptions{Host: srv.Addr, PoolSize: poolSize, MinIdleConnections: 2, PoolTimeout: wait, Timeout: 5 * time.Second})
	repo := redisstore.New(client, redisstore.Options{})
	s := saveNew(t, repo, map[string]any{"a": 1})
	waitFor(t, "the two idle connections of pool.minIdle", func() bool { return clientConnections(t, admin) >= 2 })

	must(t, admin.Do(context.Background(), "CLIENT", "PAUSE", strconv.Itoa(int(pause.Milliseconds())), "ALL").Err())
	start := time.Now()
	errs := loadConcurrently(repo, s.ID(), loads)
	failed, poolTimeouts, lastFailure := 0, 0, time.Duration(0)
	for _, r := range errs {
		if r.err == nil {
			continue
		}
		failed++
		lastFailure = max(lastFailure, r.after)
		if errors.Is(r.err, redis.ErrPoolTimeout) {
			poolTimeouts++
		}
	}
	t.Logf("%d loads under a %v pause with pool size %d and pool timeout %v: %d failed (%d pool timeouts), the last failure after %v, all done after %v",
		loads, pause, poolSize, wait, failed, poolTimeouts, lastFailure, time.Since(start))
	if failed != loads-poolSize || poolTimeouts != failed {
		t.Errorf("%d loads failed, %d with a pool timeout; want %d, all of them with a pool timeout", failed, poolTimeouts, loads-poolSize)
	}
	if lastFailure > wait+pause/2 {
		t.Errorf("the last load that found no connection failed after %v; want about the pool timeout %v", lastFailure, wait)
	}
	if n := clientConnections(t, admin); n > poolSize {
		t.Errorf("%d connections of the repository's client on the server; want at most the pool size %d", n, poolSize)
	}
}

type loadResult struct {
	err   error
	after time.Duration
}

// loadConcurrently loads id n times at once and reports each outcome.
func loadConcurrently(repo domain.SessionRepository, id string, n int) []loadResult {
	results := make([]loadResult, n)
	var wg sync.WaitGroup
	start := time.Now()
	for i := range results {
		wg.Go(func() {
			_, err := repo.Load(context.Background(), id)
			results[i] = loadResult{err: err, after: time.Since(start)}
		})
	}
	wg.Wait()
	return results
}

// clientConnections counts the server's connections other than admin's.
func clientConnections(t *testing.T, admin *redis.Client) int {
	t.Helper()
	list, err := admin.ClientList(context.Background()).Result()
	must(t, err)
	return strings.Count(list, "\n") - 1
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !cond(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no %s after 5s", what)
		}
	}
}
