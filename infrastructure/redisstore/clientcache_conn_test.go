package redisstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/sessionauth/sessionauth/infrastructure/redisstore"
	"github.com/sessionauth/sessionauth/internal/redistest"
)

// The cache works over TLS, for an ACL user with the rights the docs
// list, and through Sentinel: sessions are served from memory, and what
// another instance saves or ends is seen.
func TestClientCacheConnections(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(t *testing.T) (admin *redis.Client, opts redisstore.ClientOptions, prefix string)
	}{
		{"TLS", func(t *testing.T) (*redis.Client, redisstore.ClientOptions, string) {
			srv := redistest.TLS(t)
			return srv.Client(t), redisstore.ClientOptions{URL: srv.URL("", "", 0), TLSCAFile: srv.Certs.CA}, ""
		}},
		{"ACL", func(t *testing.T) (*redis.Client, redisstore.ClientOptions, string) {
			srv := redistest.ACL(t, "app", "app-secret", "~sess:*", "+@hash", "+@sortedset", "+@keyspace", "+@scripting", "+ping", "+select",
				"+client|id", "+client|tracking", "+client|setname", "+subscribe", "&__redis__:invalidate")
			admin := redis.NewClient(&redis.Options{Addr: srv.Addr, Password: srv.Password, DB: 2})
			t.Cleanup(func() { _ = admin.Close() })
			return admin, redisstore.ClientOptions{URL: srv.URL("app", "app-secret", 2)}, "sess:"
		}},
		{"Sentinel", func(t *testing.T) (*redis.Client, redisstore.ClientOptions, string) {
			s := redistest.Sentinel(t)
			return s.Master.Client(t), redisstore.ClientOptions{Sentinel: redisstore.SentinelOptions{Master: redistest.SentinelMaster, Addresses: s.Addr}}, ""
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			admin, copts, prefix := tc.setup(t)
			two := twoOn(t, admin, func() *redis.Client { return newClient(t, copts).(*redis.Client) },
				redisstore.Options{KeyPrefix: prefix, MaxAge: time.Hour})
			seenAcrossInstances(t, two)
		})
	}
}

// seenAcrossInstances: a session saved by one instance is cached by the
// other, which then sees the first one's change and its logout.
func seenAcrossInstances(t *testing.T, two *twoInstances) {
	t.Helper()
	a, b := two.in[0], two.in[1]
	ctx := context.Background()
	id := saveNew(t, a.repo, tenValues()).ID()
	two.settle()
	mustLoad(t, b.repo, id)
	if n := b.trips.During(func() { mustLoad(t, b.repo, id) }); n != 0 {
		t.Fatalf("a loaded session is not served from memory (%d round trips)", n)
	}
	s := mustLoad(t, a.repo, id)
	s.Store("user", "bob")
	must(t, a.repo.Save(ctx, s))
	two.settle()
	if got := mustLoad(t, b.repo, id).Try("user"); got != "bob" {
		t.Fatalf("user = %v after the other instance saved bob; want bob", got)
	}
	s = mustLoad(t, a.repo, id)
	s.Destroy()
	must(t, a.repo.Save(ctx, s))
	two.settle()
	wantGone(t, b.repo, id)
}
