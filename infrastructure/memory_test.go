package infrastructure_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/infrastructure"
	"github.com/sessionauth/sessionauth/sessiontest"
)

func newMemory(t testing.TB, opts infrastructure.MemoryOptions) *infrastructure.MemorySessionRepository {
	repo := infrastructure.NewMemorySessionRepository(opts)
	t.Cleanup(func() { _ = repo.Close() })
	return repo
}

func TestMemorySessionRepositoryContract(t *testing.T) {
	sessiontest.Run(t, func(t *testing.T, cfg sessiontest.Config) domain.SessionRepository {
		return newMemory(t, infrastructure.MemoryOptions{MaxAge: cfg.MaxAge, MaxSize: cfg.MaxSize})
	}, sessiontest.WithCorrupter(func(t *testing.T, repo domain.SessionRepository, id string) {
		if !repo.(*infrastructure.MemorySessionRepository).Corrupt(id, []byte("\xff\x00garbage")) {
			t.Fatalf("no session %q to corrupt", id)
		}
	}))
}

// saveValues saves a new session holding values and returns it.
func saveValues(t testing.TB, repo domain.SessionRepository, values map[string]interface{}) *domain.Session {
	t.Helper()
	s := domain.NewSession()
	for k, v := range values {
		s.Values[k] = v
	}
	if err := repo.Save(context.Background(), s); err != nil {
		t.Fatalf("Save: %v", err)
	}
	return s
}

func loads(repo domain.SessionRepository, id string) bool {
	_, err := repo.Load(context.Background(), id)
	return err == nil
}

func TestMemorySessionRepositoryMaxSessions(t *testing.T) {
	for _, max := range []int{1, 2, 10, 100} {
		t.Run(fmt.Sprint(max), func(t *testing.T) {
			repo := newMemory(t, infrastructure.MemoryOptions{MaxAge: time.Hour, MaxSessions: max})
			for i := 0; i < 3*max+5; i++ {
				s := saveValues(t, repo, map[string]interface{}{"i": i})
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
	repo := newMemory(t, infrastructure.MemoryOptions{MaxAge: time.Hour, MaxSessions: 3})
	a := saveValues(t, repo, map[string]interface{}{"n": "a"})
	b := saveValues(t, repo, map[string]interface{}{"n": "b"})
	c := saveValues(t, repo, map[string]interface{}{"n": "c"})
	a.Values["n"] = "a2" // saving a again makes b the session nearest to expiry
	if err := repo.Save(context.Background(), a); err != nil {
		t.Fatalf("Save: %v", err)
	}
	d := saveValues(t, repo, map[string]interface{}{"n": "d"})
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
	repo := newMemory(t, infrastructure.MemoryOptions{MaxAge: 200 * time.Millisecond, MaxSessions: 2, SweepInterval: time.Hour})
	saveValues(t, repo, map[string]interface{}{"n": 1})
	saveValues(t, repo, map[string]interface{}{"n": 2})
	time.Sleep(300 * time.Millisecond) // both expired, none swept
	if n := repo.Len(); n != 2 {
		t.Fatalf("Len() = %d before the cap is reached again; want 2", n)
	}
	saveValues(t, repo, map[string]interface{}{"n": 3})
	if n := repo.Len(); n != 1 {
		t.Fatalf("Len() = %d after a save into a full repository of expired sessions; want 1 (both evicted)", n)
	}
}

// waitFor polls cond until it holds or d has passed.
func waitFor(d time.Duration, cond func() bool) bool {
	for deadline := time.Now().Add(d); ; time.Sleep(10 * time.Millisecond) {
		if cond() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
	}
}

func TestMemorySessionRepositorySweeperAndClose(t *testing.T) {
	before := runtime.NumGoroutine()
	repo := infrastructure.NewMemorySessionRepository(infrastructure.MemoryOptions{
		MaxAge: 100 * time.Millisecond, SweepInterval: 20 * time.Millisecond,
	})
	for i := 0; i < 5; i++ {
		saveValues(t, repo, map[string]interface{}{"i": i})
	}
	if !waitFor(5*time.Second, func() bool { return repo.Len() == 0 }) {
		t.Fatalf("Len() = %d five seconds after every session expired; the sweeper does not evict", repo.Len())
	}
	for i := 0; i < 2; i++ { // Close is idempotent
		if err := repo.Close(); err != nil {
			t.Fatalf("Close #%d: %v", i+1, err)
		}
	}
	if !waitFor(5*time.Second, func() bool { return runtime.NumGoroutine() <= before }) {
		t.Fatalf("%d goroutines after Close, %d before the repository; the sweeper leaks", runtime.NumGoroutine(), before)
	}
	saveValues(t, repo, map[string]interface{}{"after": "close"})
	time.Sleep(400 * time.Millisecond) // expired, and many sweep intervals
	if n := repo.Len(); n != 1 {
		t.Fatalf("Len() = %d after Close; want 1: a closed repository must not sweep", n)
	}
}

func TestMemorySessionRepositoryNoGoroutineBeforeSave(t *testing.T) {
	before := runtime.NumGoroutine()
	repo := infrastructure.NewMemorySessionRepository(infrastructure.MemoryOptions{SweepInterval: time.Millisecond})
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

// testMergedSizeLimit checks that a save whose keys fit alone but not
// together with keys another request saved meanwhile is refused whole.
func testMergedSizeLimit(t *testing.T, repo domain.SessionRepository) {
	id := saveValues(t, repo, map[string]interface{}{"a": "x"}).ID()
	first, err1 := repo.Load(context.Background(), id)
	second, err2 := repo.Load(context.Background(), id)
	if err := errors.Join(err1, err2); err != nil {
		t.Fatalf("Load: %v", err)
	}
	first.Values["one"] = strings.Repeat("1", 600)
	second.Values["two"] = strings.Repeat("2", 600)
	if err := repo.Save(context.Background(), first); err != nil {
		t.Fatalf("first Save: %v", err)
	}
	if err := repo.Save(context.Background(), second); !errors.Is(err, domain.ErrSessionTooLarge) {
		t.Fatalf("second Save, 1.2 KB merged with a 1 KiB limit = %v; want ErrSessionTooLarge", err)
	}
	got, err := repo.Load(context.Background(), id)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if _, ok := got.Values["two"]; ok || got.Values["one"] == nil {
		t.Fatalf("stored keys %v; want the first save's and nothing of the refused one", got.Keys())
	}
}

// testRegenerateVanished checks that regenerating a session deleted since
// Load does not bring it back under a new ID; stored counts the sessions.
func testRegenerateVanished(t *testing.T, repo domain.SessionRepository, stored func() int) {
	ctx := context.Background()
	id := saveValues(t, repo, map[string]interface{}{"user": "alice"}).ID()
	s, err := repo.Load(ctx, id)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if err := repo.Delete(ctx, id); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	s.Regenerate()
	if err := repo.Save(ctx, s); !errors.Is(err, domain.ErrSessionNotFound) {
		t.Fatalf("regenerating Save of a session deleted since Load = %v; want ErrSessionNotFound", err)
	}
	if n := stored(); n != 0 {
		t.Fatalf("%d sessions stored after the refused save; want 0", n)
	}
}

func TestMemorySessionRepositoryRegenerateVanished(t *testing.T) {
	repo := newMemory(t, infrastructure.MemoryOptions{MaxAge: time.Hour})
	testRegenerateVanished(t, repo, repo.Len)
}

func TestMemorySessionRepositoryMergedSizeLimit(t *testing.T) {
	testMergedSizeLimit(t, newMemory(t, infrastructure.MemoryOptions{MaxAge: time.Hour, MaxSize: 1024}))
}

func TestMemorySessionRepositoryStatus(t *testing.T) {
	repo := newMemory(t, infrastructure.MemoryOptions{MaxSessions: 10})
	saveValues(t, repo, map[string]interface{}{"a": 1})
	alive, details := repo.Status()
	if !alive || !strings.Contains(details, "sessions stored: 1 of at most 10") {
		t.Fatalf("Status() = %v, %q; want alive, with the count and the cap", alive, details)
	}
}

func benchValues() map[string]interface{} {
	values := make(map[string]interface{}, 10)
	for i := 0; i < 10; i++ {
		values[fmt.Sprintf("key%d", i)] = fmt.Sprintf("value %d", i)
	}
	values["key9"] = 9
	return values
}

func BenchmarkMemorySessionRepository(b *testing.B) {
	ctx := context.Background()
	b.Run("Load", func(b *testing.B) {
		repo := newMemory(b, infrastructure.MemoryOptions{})
		id := saveValues(b, repo, benchValues()).ID()
		b.ReportAllocs()
		for b.Loop() {
			if _, err := repo.Load(ctx, id); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Save", func(b *testing.B) { // one of ten values changed
		repo := newMemory(b, infrastructure.MemoryOptions{})
		s := saveValues(b, repo, benchValues())
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
		repo := newMemory(b, infrastructure.MemoryOptions{MaxSessions: 10000})
		values := benchValues()
		b.ReportAllocs()
		for b.Loop() {
			saveValues(b, repo, values)
		}
	})
}
