package redissession_test

import (
	"context"
	"errors"
	"net"
	"testing"

	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/infrastructure/redissession"
	"github.com/sessionauth/sessionauth/internal/redistest"
)

// countingRepository is a repository on a fresh server whose client counts
// round trips; the save script is loaded already.
func countingRepository(t testing.TB) (*redissession.Repository, *redistest.RoundTrips) {
	srv := redistest.Standalone(t)
	client := srv.Client(t)
	counter := redistest.CountRoundTrips(client)
	repo := redissession.New(client, redissession.Config{})
	warm := domain.NewSession()
	warm.Store("a", 1)
	if err := repo.Save(context.Background(), warm); err != nil {
		t.Fatal(err)
	}
	return repo, counter
}

func tenValues() map[string]interface{} {
	return map[string]interface{}{
		"user": "alice", "visits": 12, "cart": "sku-1,sku-2", "theme": "dark", "lang": "de",
		"admin": false, "score": 3.5, "ref": "newsletter", "step": 2, "csrf": "0123456789abcdef",
	}
}

func TestRoundTrips(t *testing.T) {
	repo, counter := countingRepository(t)
	ctx := context.Background()
	s := domain.NewSession()
	for k, v := range tenValues() {
		s.Store(k, v)
	}
	if n := counter.During(func() { must(t, repo.Save(ctx, s)) }); n != 1 {
		t.Errorf("saving a new session took %d round trips, want 1", n)
	}
	var loaded *domain.Session
	if n := counter.During(func() { loaded = mustLoad(t, repo, s.ID()) }); n != 1 {
		t.Errorf("Load took %d round trips, want 1", n)
	}
	loaded.Store("visits", 13)
	delete(loaded.Values, "ref")
	if n := counter.During(func() { must(t, repo.Save(ctx, loaded)) }); n != 1 {
		t.Errorf("saving changed keys took %d round trips, want 1", n)
	}
	if n := counter.During(func() { must(t, repo.Save(ctx, loaded)) }); n != 1 {
		t.Errorf("refreshing the expiry took %d round trips, want 1", n)
	}
	if n := counter.During(func() { must(t, repo.Delete(ctx, loaded.ID())) }); n != 1 {
		t.Errorf("Delete took %d round trips, want 1", n)
	}
}

func TestTimeoutAppliesToReads(t *testing.T) {
	srv := redistest.Standalone(t)
	client, err := redissession.NewClient(redissession.ClientOptions{Host: srv.Addr, Timeout: 200e6})
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	repo := redissession.New(client, redissession.Config{})
	ctx := context.Background()
	if err := client.Ping(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	// Pause every client of the server for 3 seconds: commands are read by
	// the server but not answered, so only the read timeout ends the wait.
	if err := srv.Client(t).Do(ctx, "CLIENT", "PAUSE", 3000, "ALL").Err(); err != nil {
		t.Fatal(err)
	}
	_, err = repo.Load(ctx, domain.NewSessionID())
	var netErr net.Error
	if err == nil || !errors.As(err, &netErr) || !netErr.Timeout() {
		t.Fatalf("Load while Redis does not answer = %v; want a timeout error", err)
	}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func mustLoad(t testing.TB, repo *redissession.Repository, id string) *domain.Session {
	t.Helper()
	s, err := repo.Load(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
