package redisstore_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/infrastructure/redisstore"
	"github.com/sessionauth/sessionauth/internal/redistest"
)

// failoverLoad is what the workers of TestSentinelFailoverUnderLoad saw.
type failoverLoad struct {
	ok, failed   atomic.Int64
	lastFailure  atomic.Int64 // Unix nanoseconds
	acknowledged []int        // per worker: the last value whose save returned nil
}

// TestSentinelFailoverUnderLoad kills the master (SIGKILL) while workers
// load and save their sessions through a Sentinel client, and reports the
// requests that failed, the time until requests succeed again and the
// acknowledged writes that the promoted replica lacks.
func TestSentinelFailoverUnderLoad(t *testing.T) {
	t.Parallel()
	const workers = 8
	s := redistest.Sentinel(t)
	client := newClient(t, redisstore.ClientOptions{Sentinel: redisstore.SentinelOptions{Master: redistest.SentinelMaster, Addresses: s.Addr}})
	repo := redisstore.New(client, redisstore.Options{KeyPrefix: "load:"})
	ids := make([]string, workers)
	for w := range ids {
		ids[w] = saveNew(t, repo, map[string]any{"n": 0}).ID()
	}
	load := &failoverLoad{acknowledged: make([]int, workers)}
	ctx, stop := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for w := range ids {
		wg.Add(1)
		go func() { defer wg.Done(); load.run(ctx, repo, w, ids[w]) }()
	}
	time.Sleep(time.Second)
	killed := time.Now()
	s.Master.Kill()
	recovered, ok := waitRecovered(load, killed, 30*time.Second)
	if !ok {
		addr, err := s.MasterAddr(context.Background())
		t.Fatalf("requests still fail 30s after the master was killed (%d failed); the Sentinel names %q (%v) as master, the replica is %s\nsentinel log:\n%s",
			load.failed.Load(), addr, err, s.Replica.Addr, s.Log())
	}
	time.Sleep(2 * time.Second) // requests keep succeeding on the new master
	stop()
	wg.Wait()

	if addr, err := s.MasterAddr(context.Background()); err != nil || addr != s.Replica.Addr {
		t.Fatalf("master after the failover = %q (%v), want the replica %s\nsentinel log:\n%s", addr, err, s.Replica.Addr, s.Log())
	}
	lost := load.lost(t, repo, ids)
	t.Logf("failover under load (%d workers, each load+save in a loop): %d requests ok, %d failed; recovered %v after the kill; acknowledged writes lost: %d",
		workers, load.ok.Load(), load.failed.Load(), recovered.Round(time.Millisecond), lost)
	if lost > 0 {
		t.Errorf("%d acknowledged writes are missing on the promoted replica", lost)
	}
}

// run loads the session, counts up n and saves, until ctx ends.
func (l *failoverLoad) run(ctx context.Context, repo domain.SessionRepository, w int, id string) {
	for n := 1; ctx.Err() == nil; n++ {
		err := func() error {
			s, err := repo.Load(ctx, id)
			if err != nil {
				return err
			}
			s.Store("n", n)
			return repo.Save(ctx, s)
		}()
		switch {
		case err == nil:
			l.ok.Add(1)
			l.acknowledged[w] = n
		case ctx.Err() == nil && !errors.Is(err, context.Canceled):
			l.failed.Add(1)
			l.lastFailure.Store(time.Now().UnixNano())
			time.Sleep(10 * time.Millisecond)
		}
	}
}

// waitRecovered waits until requests fail no more for a second and
// returns the time from killed to the last failure; false after limit.
func waitRecovered(l *failoverLoad, killed time.Time, limit time.Duration) (time.Duration, bool) {
	for deadline := killed.Add(limit); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		last := time.Unix(0, l.lastFailure.Load())
		if last.After(killed) && time.Since(last) > time.Second {
			return last.Sub(killed), true
		}
	}
	return 0, false
}

// lost counts, over the sessions, the acknowledged saves the store lacks.
func (l *failoverLoad) lost(t *testing.T, repo domain.SessionRepository, ids []string) int {
	lost := 0
	for w, id := range ids {
		s, err := repo.Load(context.Background(), id)
		if err != nil {
			t.Errorf("session of worker %d after the failover: %v", w, err)
			lost += l.acknowledged[w]
			continue
		}
		if n, _ := s.Try("n").(int); n < l.acknowledged[w] {
			lost += l.acknowledged[w] - n
		}
	}
	return lost
}
