package application

import "time"

// UsedStates returns how many used login states m remembers.
func UsedStates(m *AuthManager) int { return m.used.len() }

// SetIndexClock sets the clock of an IndexedRepository.
func SetIndexClock(repo any, clock func() time.Time) { repo.(*IndexedRepository).clock = clock }
