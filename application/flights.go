package application

import (
	"context"
	"sync"
	"time"

	"github.com/sessionauth/sessionauth/domain"
)

// flights collapses concurrent refreshes of one refresh token into one
// call, and hands a successful result to later callers with the same
// (now rotated) refresh token for a while.
type flights struct {
	clock  func() time.Time
	reuse  time.Duration
	mu     sync.Mutex
	flight map[string]*flight
}

type flight struct {
	done     chan struct{}
	id       *domain.Identity
	err      error
	finished time.Time
}

func newFlights(clock func() time.Time, reuse time.Duration) *flights {
	return &flights{clock: clock, reuse: reuse, flight: map[string]*flight{}}
}

// do runs fn for key unless a call for key is under way or succeeded
// within the reuse window, in which case it waits for and returns that
// call's result. fn runs detached from ctx's cancellation; ctx only bounds
// the waiting.
func (f *flights) do(ctx context.Context, key string, fn func(context.Context) (*domain.Identity, error)) (*domain.Identity, error) {
	f.mu.Lock()
	f.sweep()
	c, ok := f.flight[key]
	if !ok {
		c = &flight{done: make(chan struct{})}
		f.flight[key] = c
		go f.run(context.WithoutCancel(ctx), key, c, fn)
	} else {
		joined(ctx)
	}
	f.mu.Unlock()
	select {
	case <-c.done:
		return c.id, c.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (f *flights) run(ctx context.Context, key string, c *flight, fn func(context.Context) (*domain.Identity, error)) {
	ctx, cancel := context.WithTimeout(ctx, refreshTimeout)
	defer cancel()
	id, err := fn(ctx)
	f.mu.Lock()
	defer f.mu.Unlock()
	c.id, c.err, c.finished = id, err, f.clock()
	if err != nil {
		delete(f.flight, key) // failures are not reused
	}
	close(c.done)
}

// sweep drops results older than the reuse window; f.mu is held.
func (f *flights) sweep() {
	now := f.clock()
	for k, c := range f.flight {
		if !c.finished.IsZero() && now.Sub(c.finished) > f.reuse {
			delete(f.flight, k)
		}
	}
}
