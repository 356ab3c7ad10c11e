package redisstore_test

import (
	"context"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/infrastructure/redisstore"
	"github.com/sessionauth/sessionauth/internal/redistest"
)

// cacheInstance is one process's repository with the client-side cache
// on, on a client of its own, with a record of the keys its
// invalidations' connection heard of.
type cacheInstance struct {
	repo  *redisstore.Repository
	trips *redistest.RoundTrips
	// pause, locked by a test, holds the invalidations' connection before
	// it applies the next key.
	pause sync.RWMutex
	mu    sync.Mutex
	heard map[string]time.Time
	// onHeard, when set, is called with each key heard of and the time.
	onHeard atomic.Pointer[func(key string, at time.Time)]
}

// newCacheInstance builds an instance on client and waits until its
// invalidations' connection is up.
func newCacheInstance(t testing.TB, client *redis.Client, opts redisstore.Options) *cacheInstance {
	t.Helper()
	opts.ClientCache.Enabled = true
	in := &cacheInstance{repo: redisstore.New(client, opts), trips: redistest.CountRoundTrips(client), heard: map[string]time.Time{}}
	t.Cleanup(func() { _ = in.repo.Close() })
	redisstore.SetInvalidationHook(in.repo, func(key string) {
		in.pause.RLock() // waits while a test pauses the connection
		defer in.pause.RUnlock()
		at := time.Now()
		if f := in.onHeard.Load(); f != nil {
			(*f)(key, at)
		}
		in.mu.Lock()
		in.heard[key] = at
		in.mu.Unlock()
	})
	_, _ = in.repo.Load(context.Background(), domain.NewSessionID()) // starts the connection
	in.waitUps(t, 1)
	return in
}

// waitUps waits until the invalidations' connection is up and came up n
// times in all.
func (in *cacheInstance) waitUps(t testing.TB, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		up, ups := redisstore.ClientCacheUps(in.repo)
		if up && ups >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the invalidations' connection is not up (%d times) after 5s (up %v, %d times)", n, up, ups)
		}
		time.Sleep(time.Millisecond)
	}
}

// heardAt returns when key was heard of, if it was.
func (in *cacheInstance) heardAt(key string) (time.Time, bool) {
	in.mu.Lock()
	defer in.mu.Unlock()
	at, ok := in.heard[key]
	return at, ok
}

// twoInstances is one repository made of two instances of the cache on
// one Redis: each call goes to the next instance in turn, so that a
// session saved by one is loaded by the other. After every write it waits
// until both instances heard of a write made after it (Redis reports
// changes in order, on one connection per instance): the other instance
// sees a write within the invalidation delay, not at once, and this makes
// that delay pass.
type twoInstances struct {
	t      testing.TB
	in     [2]*cacheInstance
	admin  *redis.Client
	prefix string
	next   atomic.Uint64
}

var (
	_ domain.SessionRepository = (*twoInstances)(nil)
	_ domain.SessionIndex      = (*twoInstances)(nil)
)

func newTwoInstances(t testing.TB, srv *redistest.Server, opts redisstore.Options) *twoInstances {
	t.Helper()
	return twoOn(t, srv.Client(t), func() *redis.Client { return srv.Client(t) }, opts)
}

// twoOn builds two instances on clients from newClient; admin writes the
// markers of settle.
func twoOn(t testing.TB, admin *redis.Client, newClient func() *redis.Client, opts redisstore.Options) *twoInstances {
	t.Helper()
	two := &twoInstances{t: t, admin: admin, prefix: opts.KeyPrefix}
	for i := range two.in {
		two.in[i] = newCacheInstance(t, newClient(), opts)
	}
	return two
}

func (two *twoInstances) pick() *redisstore.Repository {
	return two.in[two.next.Add(1)%2].repo
}

// settle waits until both instances heard of a marker key written now.
func (two *twoInstances) settle() {
	settle(two.t, two.admin, two.prefix, two.in[:]...)
}

// settle writes a marker key under prefix through admin and waits until
// every instance heard of it, and so of every change made before.
func settle(t testing.TB, admin *redis.Client, prefix string, ins ...*cacheInstance) {
	key := prefix + "~settle:" + strconv.FormatUint(settles.Add(1), 10)
	deadline := time.Now().Add(5 * time.Second)
	for err := admin.Set(context.Background(), key, 1, time.Minute).Err(); err != nil; err = admin.Set(context.Background(), key, 1, time.Minute).Err() {
		if time.Now().After(deadline) { // a connection a failover closed is dropped; the next one may work
			t.Errorf("writing the marker: %v", err)
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	for _, in := range ins {
		for {
			if _, ok := in.heardAt(key); ok {
				break
			}
			if up, _ := redisstore.ClientCacheUps(in.repo); !up {
				break // down: the cache serves nothing
			}
			if time.Now().After(deadline) {
				t.Errorf("an instance did not hear of %s within 5s", key)
				break
			}
			time.Sleep(50 * time.Microsecond)
		}
	}
}

var settles atomic.Uint64

func (two *twoInstances) Load(ctx context.Context, id string) (*domain.Session, error) {
	return two.pick().Load(ctx, id)
}

func (two *twoInstances) Save(ctx context.Context, s *domain.Session) error {
	defer two.settle()
	return two.pick().Save(ctx, s)
}

func (two *twoInstances) Delete(ctx context.Context, id string) error {
	defer two.settle()
	return two.pick().Delete(ctx, id)
}

func (two *twoInstances) Index(ctx context.Context, id string, keys []string, expiresAt time.Time) error {
	return two.pick().Index(ctx, id, keys, expiresAt)
}

func (two *twoInstances) Unindex(ctx context.Context, id string, keys []string) error {
	return two.pick().Unindex(ctx, id, keys)
}

func (two *twoInstances) Indexed(ctx context.Context, key string) ([]string, error) {
	return two.pick().Indexed(ctx, key)
}
