package redisstore_test

import (
	"context"
	"io"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/sessionauth/sessionauth/infrastructure/redisstore"
	"github.com/sessionauth/sessionauth/internal/redistest"
)

// freezer forwards TCP connections to a server until frozen; then it
// stops forwarding without closing anything: a silent network fault.
type freezer struct {
	ln     net.Listener
	mu     sync.Mutex
	frozen bool
}

func newFreezer(t *testing.T, target string) *freezer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	must(t, err)
	f := &freezer{ln: ln}
	t.Cleanup(func() { _ = ln.Close() })
	t.Cleanup(f.thaw) // runs first: the pipes forward again and end with their connections
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s, err := net.Dial("tcp", target)
			if err != nil {
				_ = c.Close()
				continue
			}
			t.Cleanup(func() { _ = c.Close(); _ = s.Close() })
			go f.pipe(c, s)
			go f.pipe(s, c)
		}
	}()
	return f
}

func (f *freezer) pipe(dst, src net.Conn) {
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		for f.isFrozen() {
			time.Sleep(10 * time.Millisecond)
		}
		if n > 0 {
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			if err != io.EOF {
				_ = dst.Close()
			}
			return
		}
	}
}

func (f *freezer) freeze() {
	f.mu.Lock()
	f.frozen = true
	f.mu.Unlock()
}

func (f *freezer) thaw() {
	f.mu.Lock()
	f.frozen = false
	f.mu.Unlock()
}

func (f *freezer) isFrozen() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.frozen
}

// When the network path to Redis goes silent without breaking, the
// heartbeat's report does not come back and the cache stops serving: a
// change made meanwhile is never read from memory.
func TestClientCacheStopsWhenTrackingGoesSilent(t *testing.T) {
	srv := redistest.Standalone(t)
	admin := srv.Client(t)
	f := newFreezer(t, srv.Addr)
	client := newClient(t, redisstore.ClientOptions{Host: f.ln.Addr().String(), Timeout: 300 * time.Millisecond})
	in := newCacheInstance(t, client.(*redis.Client), redisstore.Options{MaxAge: time.Hour,
		ClientCache: redisstore.ClientCacheOptions{MaxStale: time.Hour}}) // only the heartbeat may end the copy
	ctx := context.Background()
	id := saveNew(t, in.repo, tenValues()).ID()
	settle(t, admin, "", in)
	mustLoad(t, in.repo, id)
	if n := in.trips.During(func() { mustLoad(t, in.repo, id) }); n != 0 {
		t.Fatalf("the session is not cached (%d round trips)", n)
	}
	f.freeze()
	must(t, admin.HSet(ctx, id, "v:user", mustEncode(t, "mallory")).Err())
	time.Sleep(2 * time.Second) // more than the heartbeat's two periods and its write's timeout
	if s, err := in.repo.Load(ctx, id); err == nil {
		t.Fatalf("a load through a silent network answered user = %v from memory; want it to go to Redis (and fail)", s.Try("user"))
	}
}
