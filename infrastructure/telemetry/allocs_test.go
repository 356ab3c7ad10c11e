package telemetry_test

import (
	"context"
	"testing"
	"time"

	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/infrastructure/memorystore"
	"github.com/sessionauth/sessionauth/infrastructure/telemetry"
)

// TestRepositoryAllocations pins what the decorator adds to a load and a
// save when the application set up no OpenTelemetry SDK: the global
// tracer's span and its context (3 allocations), nothing of its own. make
// allocs runs it without the race detector.
func TestRepositoryAllocations(t *testing.T) {
	if raceDetector {
		t.Skip("allocation counts are checked without -race (make allocs)")
	}
	inner := memorystore.New(memorystore.Options{MaxAge: time.Hour})
	t.Cleanup(func() { _ = inner.Close() })
	repo := telemetry.NewRepository(inner, "memory", telemetry.Options{})
	ctx := context.Background()
	s := domain.NewSession()
	s.Store("a", 1)
	if err := repo.Save(ctx, s); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		call func() error
	}{
		{"load", func() error { _, err := repo.Load(ctx, s.ID()); return err }},
		{"save", func() error { return repo.Save(ctx, s) }},
	} {
		plain := testing.AllocsPerRun(100, func() {
			if tc.name == "load" {
				_, _ = inner.Load(ctx, s.ID())
			} else {
				_ = inner.Save(ctx, s)
			}
		})
		wrapped := testing.AllocsPerRun(100, func() {
			if err := tc.call(); err != nil {
				t.Fatal(err)
			}
		})
		if extra := wrapped - plain; extra > 3 {
			t.Errorf("%s: the decorator adds %v allocations (%v instead of %v), want at most 3", tc.name, extra, wrapped, plain)
		}
	}
}
