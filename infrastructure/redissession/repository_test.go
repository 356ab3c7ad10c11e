package redissession_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/infrastructure/redissession"
	"github.com/sessionauth/sessionauth/internal/redistest"
	"github.com/sessionauth/sessionauth/sessiontest"
)

// runContract runs the contract suite on repositories over client, with a
// corrupter that replaces a session by a string key.
func runContract(t *testing.T, client redis.UniversalClient, prefix string) {
	runContractWith(t, client, client, prefix)
}

// runContractWith corrupts through admin, a client with more rights.
func runContractWith(t *testing.T, client, admin redis.UniversalClient, prefix string) {
	sessiontest.Run(t, func(t *testing.T, cfg sessiontest.Config) domain.SessionRepository {
		return redissession.New(client, redissession.Config{KeyPrefix: prefix, MaxAge: cfg.MaxAge, MaxSize: cfg.MaxSize})
	}, sessiontest.WithCorrupter(func(t *testing.T, _ domain.SessionRepository, id string) {
		if err := admin.Set(context.Background(), prefix+id, "not a session", 0).Err(); err != nil {
			t.Fatal(err)
		}
	}))
}

func newClient(t *testing.T, opts redissession.ClientOptions) redis.UniversalClient {
	t.Helper()
	client, err := redissession.NewClient(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = client.Close() })
	if err := client.Ping(context.Background()).Err(); err != nil {
		t.Fatalf("ping: %v", err)
	}
	return client
}

func TestRepositoryStandalone(t *testing.T) {
	srv := redistest.Standalone(t)
	runContract(t, newClient(t, redissession.ClientOptions{Host: srv.Addr}), "session:")
}

func TestRepositoryTLS(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{TLS: true})
	client := newClient(t, redissession.ClientOptions{URL: "rediss://" + srv.Addr + "/0", TLSCAFile: srv.Certs.CA})
	runContract(t, client, "")
}

func TestRepositoryACLUserByURL(t *testing.T) {
	// The rights docs/backends.md gives for the session user, no more.
	srv := redistest.Start(t, redistest.Options{
		Password: "admin-secret",
		Config:   []string{"user app on >app-secret ~sess:* +@hash +@keyspace +@scripting +ping +select"},
	})
	client := newClient(t, redissession.ClientOptions{URL: fmt.Sprintf("redis://app:app-secret@%s/2", srv.Addr)})
	admin := redis.NewClient(&redis.Options{Addr: srv.Addr, Password: "admin-secret", DB: 2})
	defer admin.Close()
	runContractWith(t, client, admin, "sess:")

	// The ACL really applies: the user cannot touch other keys.
	err := client.HSet(context.Background(), "other:key", "f", "x").Err()
	if err == nil || !strings.Contains(err.Error(), "NOPERM") {
		t.Fatalf("HSET outside the allowed key pattern = %v, want NOPERM", err)
	}
}

func TestRepositoryCluster(t *testing.T) {
	cluster := redistest.Cluster(t, false)
	client := newClient(t, redissession.ClientOptions{Host: strings.Join(cluster.Addrs(), ","), ClusterMode: true})
	runContract(t, client, "{sessions}:")
}

func TestRepositoryTLSCluster(t *testing.T) {
	cluster := redistest.Cluster(t, true)
	client := newClient(t, redissession.ClientOptions{
		Host: strings.Join(cluster.Addrs(), ","), ClusterMode: true, TLS: true,
		TLSCAFile: cluster.Nodes[0].Certs.CA,
	})
	runContract(t, client, "")
}

func TestRepositoryKeyLayout(t *testing.T) {
	srv := redistest.Standalone(t)
	client := srv.Client(t)
	repo := redissession.New(client, redissession.Config{KeyPrefix: "app:"})
	ctx := context.Background()
	s := domain.NewSession()
	s.Store("user", "alice")
	if err := repo.Save(ctx, s); err != nil {
		t.Fatal(err)
	}
	fields, err := client.HGetAll(ctx, "app:"+s.ID()).Result()
	if err != nil {
		t.Fatal(err)
	}
	if len(fields) != 2 || fields["v:user"] == "" || fields["m"] == "" {
		t.Fatalf("hash app:<id> = %v, want the fields v:user and m", fields)
	}
	ttl, err := client.PTTL(ctx, "app:"+s.ID()).Result()
	if err != nil || ttl <= 0 {
		t.Fatalf("PTTL = %v, %v; want a positive time to live", ttl, err)
	}
}
