package domain

import (
	"bytes"
	"iter"
	"time"
)

// MergesOthers reports whether saving c into stored, the record as it is
// now, merges changes that another request saved since this session was
// loaded: a key that c neither sets nor deletes but whose stored encoding
// differs from the one loaded, or that one of them lacks. A repository
// that has the record in hand at save time may call it, when the record
// was saved since the load (its expiry is not c.LoadedExpiry), and set
// c.Merged before Session.Saved; telemetry counts such saves.
func (c *Changes) MergesOthers(stored iter.Seq2[string, []byte]) bool {
	deleted := make(map[string]bool, len(c.Deleted))
	for _, k := range c.Deleted {
		deleted[k] = true
	}
	seen := 0
	for k, b := range stored {
		if _, set := c.Set[k]; set || deleted[k] {
			continue
		}
		mine, ok := c.All[k]
		if !ok || !bytes.Equal(mine, b) {
			return true
		}
		seen++
	}
	return seen != len(c.All)-len(c.Set)
}

// SavedSinceLoad reports whether a record expiring at expiresAt was saved
// since the session of c was loaded: each save sets a new expiry.
func (c *Changes) SavedSinceLoad(expiresAt time.Time) bool {
	return !c.LoadedExpiry.IsZero() && !expiresAt.Equal(c.LoadedExpiry)
}

// MergedOthers reports whether the session's last save merged changes
// another request had saved since it was loaded, as far as its repository
// can tell (see Changes.MergesOthers); false for repositories that do not
// tell.
func (s *Session) MergedOthers() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.merged
}
