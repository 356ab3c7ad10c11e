// Package storetest holds test helpers that the tests of several session
// repositories share: saving a session with given values, the merged size
// limit and the regenerating save of a vanished session (cases that need a
// repository's size limit or its count of stored records, so they stay out
// of the exported contract suite), and waiting for a condition.
package storetest

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/sessionauth/sessionauth/domain"
)

// SaveValues saves a new session holding values and returns it.
func SaveValues(t testing.TB, repo domain.SessionRepository, values map[string]any) *domain.Session {
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

// MergedSizeLimit checks that a save whose keys fit alone but not
// together with keys another request saved meanwhile is refused whole.
func MergedSizeLimit(t testing.TB, repo domain.SessionRepository) {
	id := SaveValues(t, repo, map[string]any{"a": "x"}).ID()
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

// RegenerateVanished checks that regenerating a session deleted since
// Load does not bring it back under a new ID; stored counts the sessions.
func RegenerateVanished(t testing.TB, repo domain.SessionRepository, stored func() int) {
	ctx := context.Background()
	id := SaveValues(t, repo, map[string]any{"user": "alice"}).ID()
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

// WaitFor polls cond until it holds or d has passed.
func WaitFor(d time.Duration, cond func() bool) bool {
	for deadline := time.Now().Add(d); ; time.Sleep(10 * time.Millisecond) {
		if cond() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
	}
}
