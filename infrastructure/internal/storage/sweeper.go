package storage

import (
	"sync"
	"sync/atomic"
	"time"
)

// sweepInterval is how often expired sessions are evicted when the options
// leave SweepInterval at zero.
const sweepInterval = time.Minute

// Sweeper calls sweep every interval on a goroutine of its own. The
// goroutine is started by the first call to Start, never before, and ended
// by Stop. Both may be called any number of times from any goroutine; once
// Stop was called, Start does nothing. The memory and the file repository
// share it.
type Sweeper struct {
	interval time.Duration
	sweep    func(now time.Time)

	settled atomic.Bool // Start has nothing left to do
	mu      sync.Mutex
	quit    chan struct{}
	done    chan struct{}
}

func NewSweeper(interval time.Duration, sweep func(now time.Time)) *Sweeper {
	if interval <= 0 {
		interval = sweepInterval
	}
	return &Sweeper{interval: interval, sweep: sweep}
}

// Start starts the goroutine unless it runs already or Stop was called.
func (s *Sweeper) Start() {
	if s.settled.Load() {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.settled.Load() {
		return
	}
	s.quit, s.done = make(chan struct{}), make(chan struct{})
	s.settled.Store(true)
	go s.run(s.quit, s.done)
}

// Stop ends the goroutine, if one runs, and waits until it has returned.
func (s *Sweeper) Stop() {
	s.mu.Lock()
	quit, done := s.quit, s.done
	s.quit, s.done = nil, nil
	s.settled.Store(true)
	s.mu.Unlock()
	if quit != nil {
		close(quit)
		<-done
	}
}

func (s *Sweeper) run(quit <-chan struct{}, done chan<- struct{}) {
	defer close(done)
	ticker := time.NewTicker(s.interval)
	defer ticker.Stop()
	for {
		select {
		case <-quit:
			return
		case now := <-ticker.C:
			s.sweep(now)
		}
	}
}
