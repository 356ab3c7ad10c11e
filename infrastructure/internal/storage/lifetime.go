package storage

import "time"

// DefaultMaxAge is the lifetime of a session after its last save when the
// options leave MaxAge at zero: 30 days, Flamingo's default of
// flamingo.session.max.age.
const DefaultMaxAge = 30 * 24 * time.Hour

// Lifetime is the MaxAge to use for a configured one: DefaultMaxAge for
// zero or less.
func Lifetime(maxAge time.Duration) time.Duration {
	if maxAge <= 0 {
		return DefaultMaxAge
	}
	return maxAge
}
