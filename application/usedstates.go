package application

import (
	"sync"
	"time"
)

// DefaultMaxUsedStates is Options.MaxUsedStates when left at zero.
const DefaultMaxUsedStates = 10_000

// usedStates remembers the login states whose callback arrived, so that a
// state is used once within this process even when a stale copy of the
// session still holds it. Each state is kept until keep has passed since
// its use, and at most max states are kept: beyond that the oldest is
// forgotten first. Remembering and forgetting cost O(1) (amortised), so
// a flood of callbacks costs each the same, whatever the number kept.
type usedStates struct {
	mu    sync.Mutex
	max   int
	keep  time.Duration
	until map[string]time.Time // state → when it may be forgotten
	queue []usedState          // in order of use; queue[head:] are live
	head  int
}

type usedState struct {
	state string
	until time.Time
}

func newUsedStates(max int, keep time.Duration) *usedStates {
	return &usedStates{max: max, keep: keep, until: make(map[string]time.Time)}
}

// use records state as used at now; it reports false when it was used
// already.
func (u *usedStates) use(state string, now time.Time) bool {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.forget(now)
	if _, used := u.until[state]; used {
		return false
	}
	until := now.Add(u.keep)
	u.until[state] = until
	u.queue = append(u.queue, usedState{state: state, until: until})
	return true
}

// forget drops the states whose time has passed, and the oldest beyond
// max-1, making room for one more; u.mu must be held.
func (u *usedStates) forget(now time.Time) {
	for u.head < len(u.queue) {
		oldest := u.queue[u.head]
		if now.Before(oldest.until) && len(u.queue)-u.head < u.max {
			break
		}
		delete(u.until, oldest.state)
		u.queue[u.head] = usedState{}
		u.head++
	}
	if u.head > len(u.queue)/2 {
		u.queue = append(u.queue[:0], u.queue[u.head:]...)
		u.head = 0
	}
}

// len returns the number of states kept.
func (u *usedStates) len() int {
	u.mu.Lock()
	defer u.mu.Unlock()
	return len(u.until)
}
