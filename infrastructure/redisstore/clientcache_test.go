package redisstore_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/infrastructure/redisstore"
	"github.com/sessionauth/sessionauth/internal/redistest"
	"github.com/sessionauth/sessionauth/sessiontest"
)

// The contract holds with the cache on, for two instances that take turns.
func TestClientCacheContract(t *testing.T) {
	srv := redistest.Standalone(t)
	const prefix = "cc:"
	var last *twoInstances
	sessiontest.Run(t, func(t *testing.T, cfg sessiontest.Config) domain.SessionRepository {
		last = newTwoInstances(t, srv, redisstore.Options{KeyPrefix: prefix, MaxAge: cfg.MaxAge, MaxSize: cfg.MaxSize})
		return last
	}, sessiontest.WithCorrupter(func(t *testing.T, _ domain.SessionRepository, id string) {
		if err := garbageValue(context.Background(), last.admin, prefix+id); err != nil {
			t.Fatalf("corrupting the record: %v", err)
		}
		last.settle()
	}))
}

// A session loaded before is served without a round trip, until another
// instance changes it; then the change is read.
func TestClientCacheServesFromMemory(t *testing.T) {
	srv := redistest.Standalone(t)
	two := newTwoInstances(t, srv, redisstore.Options{KeyPrefix: "s:", MaxAge: time.Hour})
	a, b := two.in[0], two.in[1]
	id := saveNew(t, a.repo, tenValues()).ID()
	two.settle()
	mustLoad(t, a.repo, id) // fills the cache
	if n := a.trips.During(func() {
		for range 100 {
			mustLoad(t, a.repo, id)
		}
	}); n != 0 {
		t.Fatalf("100 loads of a cached session made %d round trips; want 0", n)
	}
	s := mustLoad(t, b.repo, id)
	s.Store("user", "bob")
	must(t, b.repo.Save(context.Background(), s))
	two.settle()
	if got := mustLoad(t, a.repo, id).Try("user"); got != "bob" {
		t.Fatalf("after another instance's save, user = %v; want bob", got)
	}
	// A back-channel logout or "log out everywhere" at the other instance
	// deletes the session.
	mustLoad(t, a.repo, id)
	must(t, b.repo.Delete(context.Background(), id))
	two.settle()
	wantGone(t, a.repo, id)
}

// A process reads its own writes even before Redis reports them: the save
// drops the cached copy itself. The invalidations' connection is held
// still meanwhile, so only the save's own drop can make the load right.
func TestClientCacheReadsItsOwnWrites(t *testing.T) {
	srv := redistest.Standalone(t)
	admin := srv.Client(t)
	in := newCacheInstance(t, srv.Client(t), redisstore.Options{MaxAge: time.Hour})
	ctx := context.Background()
	for _, tc := range []struct {
		name  string
		write func(t *testing.T, s *domain.Session)
		check func(t *testing.T, id string)
	}{
		{"save", func(t *testing.T, s *domain.Session) {
			s.Store("user", "bob")
			must(t, in.repo.Save(ctx, s))
		}, func(t *testing.T, id string) {
			if got := mustLoad(t, in.repo, id).Try("user"); got != "bob" {
				t.Fatalf("user = %v after this process saved bob; want bob", got)
			}
		}},
		{"destroy", func(t *testing.T, s *domain.Session) {
			s.Destroy()
			must(t, in.repo.Save(ctx, s))
		}, func(t *testing.T, id string) { wantGone(t, in.repo, id) }},
		{"delete", func(t *testing.T, s *domain.Session) {
			must(t, in.repo.Delete(ctx, s.ID()))
		}, func(t *testing.T, id string) { wantGone(t, in.repo, id) }},
		{"regenerate", func(t *testing.T, s *domain.Session) {
			s.Regenerate()
			must(t, in.repo.Save(ctx, s))
		}, func(t *testing.T, id string) { wantGone(t, in.repo, id) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			id := saveNew(t, in.repo, tenValues()).ID()
			settle(t, admin, "", in)
			s := mustLoad(t, in.repo, id)
			mustLoad(t, in.repo, id)
			if n := in.trips.During(func() { s = mustLoad(t, in.repo, id) }); n != 0 {
				t.Fatalf("the session is not cached (%d round trips)", n)
			}
			in.pause.Lock()
			defer in.pause.Unlock()
			tc.write(t, s)
			tc.check(t, id)
		})
	}
}

func wantGone(t *testing.T, repo domain.SessionRepository, id string) {
	t.Helper()
	if _, err := repo.Load(context.Background(), id); !errors.Is(err, domain.ErrSessionNotFound) {
		t.Fatalf("Load after this process ended the session = %v; want ErrSessionNotFound", err)
	}
}

// When the invalidations' connection breaks, the cache is dropped at once
// and serves nothing until the connection is back: a change made while it
// was broken, which no instance hears of, is read afterwards.
func TestClientCacheDroppedWhenTrackingBreaks(t *testing.T) {
	srv := redistest.Standalone(t)
	admin := srv.Client(t)
	in := newCacheInstance(t, srv.Client(t), redisstore.Options{MaxAge: time.Hour})
	ctx := context.Background()
	id := saveNew(t, in.repo, tenValues()).ID()
	settle(t, admin, "", in)
	mustLoad(t, in.repo, id)
	if n := in.trips.During(func() { mustLoad(t, in.repo, id) }); n != 0 {
		t.Fatalf("the session is not cached (%d round trips)", n)
	}
	killTracking(t, admin)
	must(t, admin.HSet(ctx, id, "v:user", mustEncode(t, "mallory")).Err())
	in.waitUps(t, 2)
	if got := mustLoad(t, in.repo, id).Try("user"); got != "mallory" {
		t.Fatalf("after the invalidations' connection broke, user = %v; want the value written meanwhile, mallory", got)
	}
	settle(t, admin, "", in)
	// The cache works again.
	mustLoad(t, in.repo, id)
	if n := in.trips.During(func() { mustLoad(t, in.repo, id) }); n != 0 {
		t.Fatalf("the session is not cached after the connection came back (%d round trips)", n)
	}
}

// killTracking ends the invalidations' connections of every instance.
func killTracking(t *testing.T, admin *redis.Client) {
	t.Helper()
	list, err := admin.ClientList(context.Background()).Result()
	must(t, err)
	killed := 0
	for _, line := range strings.Split(list, "\n") {
		if !strings.Contains(line, " name=sessionauth-invalidations ") {
			continue
		}
		for _, f := range strings.Fields(line) {
			if id, ok := strings.CutPrefix(f, "id="); ok {
				must(t, admin.Do(context.Background(), "CLIENT", "KILL", "ID", id).Err())
				killed++
			}
		}
	}
	if killed == 0 {
		t.Fatalf("no invalidations' connection in CLIENT LIST:\n%s", list)
	}
}

func mustEncode(t *testing.T, v any) string {
	t.Helper()
	s := domain.NewSession()
	s.Store("x", v)
	c, err := s.Changes(0)
	must(t, err)
	return string(c.All["x"])
}

// Redis Cluster is refused, with the reason.
func TestClientCacheRefusesCluster(t *testing.T) {
	err := redisstore.ClientCacheSupported(redis.NewClusterClient(&redis.ClusterOptions{Addrs: []string{"127.0.0.1:1"}}))
	if err == nil || !strings.Contains(err.Error(), "slot") {
		t.Fatalf("ClientCacheSupported(cluster) = %v; want an error that says why", err)
	}
	if err := redisstore.ClientCacheSupported(redis.NewClient(&redis.Options{})); err != nil {
		t.Fatalf("ClientCacheSupported(standalone) = %v", err)
	}
}

// A value over 64 bytes lives in the record's big-values hash: the cached
// copy holds it, and another instance's save that changes it reaches the
// copy, whichever form the big-values key takes for the prefix.
func TestClientCacheSeesChangesOfBigValues(t *testing.T) {
	srv := redistest.Standalone(t)
	for _, prefix := range []string{"s:", "{shop}:"} {
		t.Run(prefix, func(t *testing.T) {
			two := newTwoInstances(t, srv, redisstore.Options{KeyPrefix: prefix, MaxAge: time.Hour})
			a, b := two.in[0], two.in[1]
			first, second := strings.Repeat("a", 200), strings.Repeat("b", 200)
			id := saveNew(t, a.repo, map[string]any{"token": first}).ID()
			two.settle()
			for range 2 { // from Redis, then from memory
				if got := mustLoad(t, a.repo, id).Try("token"); got != first {
					t.Fatalf("token = %.20v…; want the first one", got)
				}
			}
			s := mustLoad(t, b.repo, id)
			s.Store("token", second)
			must(t, b.repo.Save(context.Background(), s))
			two.settle()
			if got := mustLoad(t, a.repo, id).Try("token"); got != second {
				t.Fatalf("after another instance's save of a big value, token = %.20v…; want the second one", got)
			}
		})
	}
}
