package redisstore_test

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/infrastructure/redisstore"
	"github.com/sessionauth/sessionauth/internal/redistest"
)

// TestRoundTrips counts, with a go-redis hook, the commands and pipelines
// each operation sends, once the save script is loaded on the server.
func TestRoundTrips(t *testing.T) {
	t.Parallel()
	repo, counter, _ := countingRepository(t)
	ctx := context.Background()
	s := domain.NewSession()
	var loaded *domain.Session
	steps := []struct {
		name string
		op   func() error
		want int64
	}{
		{"save of a new session", func() error {
			for k, v := range tenValues() {
				s.Store(k, v)
			}
			return repo.Save(ctx, s)
		}, 1},
		{"load", func() (err error) { loaded, err = repo.Load(ctx, s.ID()); return err }, 1},
		{"save of a loaded session with changes", func() error {
			loaded.Store("visits", 13)
			delete(loaded.Values, "ref")
			return repo.Save(ctx, loaded)
		}, 1},
		{"save without changes (expiry refresh)", func() error { return repo.Save(ctx, loaded) }, 1},
		{"regenerating save", func() error { loaded.Regenerate(); return repo.Save(ctx, loaded) }, 2},
		{"load of an invalid ID", func() error { return notFound(repo.Load(ctx, "../etc/passwd")) }, 0},
		{"load of an unknown ID", func() error { return notFound(repo.Load(ctx, domain.NewSessionID())) }, 1},
		{"destroying save", func() error { loaded.Destroy(); return repo.Save(ctx, loaded) }, 1},
		{"delete", func() error { return repo.Delete(ctx, s.ID()) }, 1},
	}
	for _, step := range steps {
		var err error
		if n := counter.During(func() { err = step.op() }); err != nil || n != step.want {
			t.Errorf("%s: %d round trips (error %v), want %d", step.name, n, err, step.want)
		}
	}
}

func notFound(_ *domain.Session, err error) error {
	if errors.Is(err, domain.ErrSessionNotFound) {
		return nil
	}
	return errors.New("not ErrSessionNotFound")
}

// TestTimeoutAppliesToCommands: while the server accepts commands but
// answers none, Load and Save fail with a timeout instead of waiting.
func TestTimeoutAppliesToCommands(t *testing.T) {
	t.Parallel()
	srv := redistest.Standalone(t)
	client := newClient(t, redisstore.ClientOptions{Host: srv.Addr, Timeout: 200 * time.Millisecond})
	repo := redisstore.New(client, redisstore.Options{})
	ctx := context.Background()
	s := saveNew(t, repo, map[string]any{"a": 1})
	// Commands are read by the server but not answered for 3 seconds, so
	// only the read timeout ends the wait.
	must(t, srv.Client(t).Do(ctx, "CLIENT", "PAUSE", 3000, "ALL").Err())
	_, loadErr := repo.Load(ctx, s.ID())
	s.Store("a", 2)
	for name, err := range map[string]error{"Load": loadErr, "Save": repo.Save(ctx, s)} {
		var netErr net.Error
		if !errors.As(err, &netErr) || !netErr.Timeout() {
			t.Errorf("%s while Redis does not answer = %v; want a timeout error", name, err)
		}
	}
}

func TestStatus(t *testing.T) {
	t.Parallel()
	srv := redistest.Standalone(t)
	client := newClient(t, redisstore.ClientOptions{Host: srv.Addr, Timeout: time.Second})
	repo := redisstore.New(client, redisstore.Options{})
	if alive, details := repo.Status(); !alive || details != "redis answers PING" {
		t.Fatalf("Status() = %v, %q while Redis runs", alive, details)
	}
	must(t, repo.Ping(context.Background()))
	srv.Stop()
	alive, details := repo.Status()
	if alive || !strings.Contains(details, "redis does not answer PING") || !strings.Contains(details, srv.Addr) {
		t.Fatalf("Status() = %v, %q after Redis stopped; want not alive, with the error and address", alive, details)
	}
	if err := repo.Ping(context.Background()); err == nil || !strings.Contains(err.Error(), "redis session repository: ping") {
		t.Fatalf("Ping() = %v after Redis stopped", err)
	}
}
