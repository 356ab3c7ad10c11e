package memorystore_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/infrastructure/memorystore"
	"github.com/sessionauth/sessionauth/internal/storetest"
	"github.com/sessionauth/sessionauth/sessiontest"
)

func newMemory(t testing.TB, opts memorystore.Options) *memorystore.Repository {
	repo := memorystore.New(opts)
	t.Cleanup(func() { _ = repo.Close() })
	return repo
}

func TestMemorySessionRepositoryContract(t *testing.T) {
	sessiontest.Run(t, func(t *testing.T, cfg sessiontest.Config) domain.SessionRepository {
		return newMemory(t, memorystore.Options{MaxAge: cfg.MaxAge, MaxSize: cfg.MaxSize})
	}, sessiontest.WithCorrupter(func(t *testing.T, repo domain.SessionRepository, id string) {
		if !repo.(*memorystore.Repository).Corrupt(id, []byte("\xff\x00garbage")) {
			t.Fatalf("no session %q to corrupt", id)
		}
	}))
}

func loads(repo domain.SessionRepository, id string) bool {
	_, err := repo.Load(context.Background(), id)
	return err == nil
}

func TestMemorySessionRepositoryMaxSessions(t *testing.T) {
	for _, max := range []int{1, 2, 10, 100} {
		t.Run(fmt.Sprint(max), func(t *testing.T) {
			repo := newMemory(t, memorystore.Options{MaxAge: time.Hour, MaxSessions: max})
			for i := 0; i < 3*max+5; i++ {
				s := storetest.SaveValues(t, repo, map[string]any{"i": i})
				if n := repo.Len(); n > max {
					t.Fatalf("after %d saves Len() = %d; want at most %d", i+1, n, max)
				}
				if !loads(repo, s.ID()) {
					t.Fatalf("the session just saved was evicted")
				}
			}
			if n := repo.Len(); n != max {
				t.Fatalf("Len() = %d; want the cap %d to be used", n, max)
			}
		})
	}
}

func TestMemorySessionRepositoryEvictsNearestExpiry(t *testing.T) {
	repo := newMemory(t, memorystore.Options{MaxAge: time.Hour, MaxSessions: 3})
	a := storetest.SaveValues(t, repo, map[string]any{"n": "a"})
	b := storetest.SaveValues(t, repo, map[string]any{"n": "b"})
	c := storetest.SaveValues(t, repo, map[string]any{"n": "c"})
	a.Values["n"] = "a2" // saving a again makes b the session nearest to expiry
	if err := repo.Save(context.Background(), a); err != nil {
		t.Fatalf("Save: %v", err)
	}
	d := storetest.SaveValues(t, repo, map[string]any{"n": "d"})
	for _, tc := range []struct {
		name string
		s    *domain.Session
		want bool
	}{{"a", a, true}, {"b", b, false}, {"c", c, true}, {"d", d, true}} {
		if got := loads(repo, tc.s.ID()); got != tc.want {
			t.Errorf("session %s loads = %v; want %v", tc.name, got, tc.want)
		}
	}
	b.Values["n"] = "b2"
	if err := repo.Save(context.Background(), b); !errors.Is(err, domain.ErrSessionNotFound) {
		t.Fatalf("Save of an evicted session = %v; want ErrSessionNotFound", err)
	}
}

func TestMemorySessionRepositoryEvictsExpiredFirst(t *testing.T) {
	repo := newMemory(t, memorystore.Options{MaxAge: 200 * time.Millisecond, MaxSessions: 2, SweepInterval: time.Hour})
	storetest.SaveValues(t, repo, map[string]any{"n": 1})
	storetest.SaveValues(t, repo, map[string]any{"n": 2})
	time.Sleep(300 * time.Millisecond) // both expired, none swept
	if n := repo.Len(); n != 2 {
		t.Fatalf("Len() = %d before the cap is reached again; want 2", n)
	}
	storetest.SaveValues(t, repo, map[string]any{"n": 3})
	if n := repo.Len(); n != 1 {
		t.Fatalf("Len() = %d after a save into a full repository of expired sessions; want 1 (both evicted)", n)
	}
}

func TestMemorySessionRepositorySweeperAndClose(t *testing.T) {
	before := runtime.NumGoroutine()
	repo := memorystore.New(memorystore.Options{
		MaxAge: 100 * time.Millisecond, SweepInterval: 20 * time.Millisecond,
	})
	for i := 0; i < 5; i++ {
		storetest.SaveValues(t, repo, map[string]any{"i": i})
	}
	if !storetest.WaitFor(5*time.Second, func() bool { return repo.Len() == 0 }) {
		t.Fatalf("Len() = %d five seconds after every session expired; the sweeper does not evict", repo.Len())
	}
	for i := 0; i < 2; i++ { // Close is idempotent
		if err := repo.Close(); err != nil {
			t.Fatalf("Close #%d: %v", i+1, err)
		}
	}
	if !storetest.WaitFor(5*time.Second, func() bool { return runtime.NumGoroutine() <= before }) {
		t.Fatalf("%d goroutines after Close, %d before the repository; the sweeper leaks", runtime.NumGoroutine(), before)
	}
	storetest.SaveValues(t, repo, map[string]any{"after": "close"})
	time.Sleep(400 * time.Millisecond) // expired, and many sweep intervals
	if n := repo.Len(); n != 1 {
		t.Fatalf("Len() = %d after Close; want 1: a closed repository must not sweep", n)
	}
}

func TestMemorySessionRepositoryNoGoroutineBeforeSave(t *testing.T) {
	before := runtime.NumGoroutine()
	repo := memorystore.New(memorystore.Options{SweepInterval: time.Millisecond})
	if _, err := repo.Load(context.Background(), domain.NewSessionID()); !errors.Is(err, domain.ErrSessionNotFound) {
		t.Fatalf("Load = %v; want ErrSessionNotFound", err)
	}
	if after := runtime.NumGoroutine(); after > before {
		t.Fatalf("%d goroutines after construction and Load, %d before; the sweeper must start on the first Save", after, before)
	}
	if err := repo.Close(); err != nil {
		t.Fatalf("Close of an unused repository: %v", err)
	}
}

func TestMemorySessionRepositoryRegenerateVanished(t *testing.T) {
	repo := newMemory(t, memorystore.Options{MaxAge: time.Hour})
	storetest.RegenerateVanished(t, repo, repo.Len)
}

func TestMemorySessionRepositoryMergedSizeLimit(t *testing.T) {
	storetest.MergedSizeLimit(t, newMemory(t, memorystore.Options{MaxAge: time.Hour, MaxSize: 1024}))
}

func TestMemorySessionRepositoryStatus(t *testing.T) {
	repo := newMemory(t, memorystore.Options{MaxSessions: 10})
	storetest.SaveValues(t, repo, map[string]any{"a": 1})
	alive, details := repo.Status()
	if !alive || !strings.Contains(details, "sessions stored: 1 of at most 10") {
		t.Fatalf("Status() = %v, %q; want alive, with the count and the cap", alive, details)
	}
}

func benchValues() map[string]any {
	values := make(map[string]any, 10)
	for i := 0; i < 10; i++ {
		values[fmt.Sprintf("key%d", i)] = fmt.Sprintf("value %d", i)
	}
	values["key9"] = 9
	return values
}

func BenchmarkMemorySessionRepository(b *testing.B) {
	ctx := context.Background()
	b.Run("Load", func(b *testing.B) {
		repo := newMemory(b, memorystore.Options{})
		id := storetest.SaveValues(b, repo, benchValues()).ID()
		b.ReportAllocs()
		for b.Loop() {
			if _, err := repo.Load(ctx, id); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Save", func(b *testing.B) { // one of ten values changed
		repo := newMemory(b, memorystore.Options{})
		s := storetest.SaveValues(b, repo, benchValues())
		b.ReportAllocs()
		n := 0
		for b.Loop() {
			n++
			s.Values["key9"] = n
			if err := repo.Save(ctx, s); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("SaveNew", func(b *testing.B) {
		repo := newMemory(b, memorystore.Options{MaxSessions: 10000})
		values := benchValues()
		b.ReportAllocs()
		for b.Loop() {
			storetest.SaveValues(b, repo, values)
		}
	})
}

// TestMemoryByteCapKeepsLoggedInUsers: with a cap of 64 KiB, 20 logged-in
// sessions and then ten times the cap in sessions holding only a pending
// login: the bytes stay within the cap and every logged-in session stays.
func TestMemoryByteCapKeepsLoggedInUsers(t *testing.T) {
	const maxBytes = 64 << 10
	repo := newMemory(t, memorystore.Options{MaxAge: time.Hour, MaxBytes: maxBytes})
	pad := strings.Repeat("x", 500)
	var users []string
	for i := range 20 {
		users = append(users, storetest.SaveValues(t, repo, map[string]any{domain.IdentityKey: fmt.Sprint("user", i), "pad": pad}).ID())
	}
	for i := range 10 * maxBytes / len(pad) {
		s := domain.NewSession()
		s.Values[domain.PendingLoginPrefix+fmt.Sprint(i)] = pad
		s.HoldPending(time.Now().Add(time.Hour))
		if err := repo.Save(context.Background(), s); err != nil {
			t.Fatal(err)
		}
		if n := repo.Bytes(); n > maxBytes {
			t.Fatalf("after %d anonymous login starts the repository holds %d bytes; want at most %d", i+1, n, maxBytes)
		}
	}
	lost := 0
	for _, id := range users {
		if !loads(repo, id) {
			lost++
		}
	}
	if lost > 0 {
		t.Fatalf("%d of %d logged-in sessions evicted by anonymous login starts; want 0", lost, len(users))
	}
}
