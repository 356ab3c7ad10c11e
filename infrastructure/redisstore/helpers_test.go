package redisstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/infrastructure/redisstore"
	"github.com/sessionauth/sessionauth/internal/redistest"
	"github.com/sessionauth/sessionauth/sessiontest"
)

// corrupter overwrites the record under key, through a client with the
// rights to do so.
type corrupter func(ctx context.Context, admin redis.UniversalClient, key string) error

// Ways a session's record can be broken; the contract suite and
// TestLoadOfBrokenRecords use them.
var (
	// wrongType replaces the hash by a string.
	wrongType corrupter = func(ctx context.Context, admin redis.UniversalClient, key string) error {
		return admin.Set(ctx, key, "not a session", time.Hour).Err()
	}
	// garbageValue keeps the record but makes a value undecodable.
	garbageValue corrupter = func(ctx context.Context, admin redis.UniversalClient, key string) error {
		return admin.HSet(ctx, key, "v:a", "\xff\x00garbage").Err()
	}
	// noMeta removes the expiry field.
	noMeta corrupter = func(ctx context.Context, admin redis.UniversalClient, key string) error {
		return admin.HDel(ctx, key, "m").Err()
	}
)

// contract runs the contract suite on repositories over client with
// prefix; the suite's Garbage test breaks a record with corrupt, through
// admin.
func contract(t *testing.T, client, admin redis.UniversalClient, prefix string, corrupt corrupter) {
	t.Helper()
	sessiontest.Run(t, func(t *testing.T, cfg sessiontest.Config) domain.SessionRepository {
		return redisstore.New(client, redisstore.Options{KeyPrefix: prefix, MaxAge: cfg.MaxAge, MaxSize: cfg.MaxSize})
	}, sessiontest.WithCorrupter(func(t *testing.T, _ domain.SessionRepository, id string) {
		if err := corrupt(context.Background(), admin, prefix+id); err != nil {
			t.Fatalf("corrupting the record: %v", err)
		}
	}))
}

// newClient builds a client with NewClient, closed when t ends, and checks
// that it reaches Redis.
func newClient(t testing.TB, opts redisstore.ClientOptions) redis.UniversalClient {
	t.Helper()
	client, err := redisstore.NewClient(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = client.Close() })
	if err := client.Ping(context.Background()).Err(); err != nil {
		t.Fatalf("ping: %v", err)
	}
	return client
}

// countingRepository is a repository on a fresh server whose client counts
// round trips; the save script is loaded already.
func countingRepository(t testing.TB) (*redisstore.Repository, *redistest.RoundTrips, *redis.Client) {
	t.Helper()
	client := redistest.Standalone(t).Client(t)
	counter := redistest.CountRoundTrips(client)
	repo := redisstore.New(client, redisstore.Options{MaxAge: time.Hour})
	warm := domain.NewSession()
	warm.Store("a", 1)
	must(t, repo.Save(context.Background(), warm))
	return repo, counter, client
}

func tenValues() map[string]any {
	return map[string]any{
		"user": "alice", "visits": 12, "cart": "sku-1,sku-2", "theme": "dark", "lang": "de",
		"admin": false, "score": 3.5, "ref": "newsletter", "step": 2, "csrf": "0123456789abcdef",
	}
}

// saveNew saves a new session holding values.
func saveNew(t testing.TB, repo domain.SessionRepository, values map[string]any) *domain.Session {
	t.Helper()
	s := domain.NewSession()
	for k, v := range values {
		s.Store(k, v)
	}
	must(t, repo.Save(context.Background(), s))
	return s
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func mustLoad(t testing.TB, repo domain.SessionRepository, id string) *domain.Session {
	t.Helper()
	s, err := repo.Load(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
