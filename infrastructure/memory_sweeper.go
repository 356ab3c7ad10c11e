package infrastructure

import (
	"sync"
	"sync/atomic"
	"time"
)

// sweepInterval is how often expired sessions are evicted when the options
// leave SweepInterval at zero.
const sweepInterval = time.Minute

// sweeper calls sweep every interval on a goroutine of its own. The
// goroutine is started by the first call to start, never before, and ended
// by stop. Both may be called any number of times from any goroutine; once
// stop was called, start does nothing. The memory and the file repository
// share it.
type sweeper struct {
	interval time.Duration
	sweep    func(now time.Time)

	settled atomic.Bool // start has nothing left to do
	mu      sync.Mutex
	quit    chan struct{}
	done    chan struct{}
}

func newSweeper(interval time.Duration, sweep func(now time.Time)) *sweeper {
	if interval <= 0 {
		interval = sweepInterval
	}
	return &sweeper{interval: interval, sweep: sweep}
}

// start starts the goroutine unless it runs already or stop was called.
func (s *sweeper) start() {
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

// stop ends the goroutine, if one runs, and waits until it has returned.
func (s *sweeper) stop() {
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

func (s *sweeper) run(quit <-chan struct{}, done chan<- struct{}) {
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
