package domain

import (
	"fmt"
	"slices"
	"time"
)

// Changes is what one save of a session must do. Session.Changes computes
// it; a SessionRepository applies it atomically and then calls
// Session.Saved.
type Changes struct {
	// ID is the key to write under.
	ID string
	// PreviousID, when not empty, is an ID to delete: the session was
	// regenerated and lived under this ID before.
	PreviousID string
	// New is true when the repository does not hold the session yet (a new
	// or regenerated session): create the record under ID. For a new
	// session (PreviousID empty) the record is All. For a regenerated one
	// it is the record stored under PreviousID, as it is now, with Set and
	// Deleted merged in, so that keys other requests saved since Load are
	// kept; the old ID must stop working in the same atomic step.
	New bool
	// Destroy is true when the session must be deleted: delete ID, write
	// nothing.
	Destroy bool
	// Set holds the keys whose encoding differs from the loaded one (every
	// key of a session that no repository holds yet).
	Set map[string][]byte
	// Deleted lists keys that were loaded and are gone now.
	Deleted []string
	// All is every value of the session as it is now; what a new record
	// holds.
	All map[string][]byte
	// Size is the encoded size of All, keys included.
	Size int
	// Rank is what the session holds, by the names of All's keys: for
	// repositories that evict when full (the lowest rank first).
	Rank Rank
	// Deadline, when not zero, is the latest time the record may live
	// (see HoldPending): the expiry is the earlier of it and the
	// repository's lifetime after this save.
	Deadline time.Time
	// LoadedExpiry is the expiry of the record as the session was loaded
	// or last saved; zero for a session no repository holds.
	LoadedExpiry time.Time
	// Merged is set by a repository whose save merged changes another
	// request saved since the load (see MergesOthers); Session.Saved keeps
	// it for Session.MergedOthers.
	Merged bool
}

// ExpiresAt is the expiry of the record saved at now by a repository whose
// sessions live maxAge after each save: the earlier of now+maxAge and
// Deadline.
func (c *Changes) ExpiresAt(now time.Time, maxAge time.Duration) time.Time {
	expires := now.Add(maxAge)
	if !c.Deadline.IsZero() && c.Deadline.Before(expires) {
		return c.Deadline
	}
	return expires
}

// Empty reports whether saving would write nothing but the expiry.
func (c *Changes) Empty() bool {
	return !c.New && !c.Destroy && len(c.Set) == 0 && len(c.Deleted) == 0
}

// Changes computes what a save must write, comparing each value's encoding
// with the one loaded, so that a value changed in place is found too.
// maxSize > 0 limits the encoded size of the whole session: a larger one
// yields ErrSessionTooLarge. A value that cannot be encoded yields
// ErrValueNotEncodable. On error nothing must be written.
func (s *Session) Changes(maxSize int) (*Changes, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.id == "" {
		s.id = NewSessionID()
	}
	c := &Changes{ID: s.id, Destroy: s.destroy, New: !s.stored || s.regenerate, LoadedExpiry: s.expiresAt}
	if s.destroy {
		return c, nil
	}
	if s.regenerate && s.stored {
		c.PreviousID, c.ID = s.id, NewSessionID()
	}
	c.All = make(map[string][]byte, len(s.Values)+len(s.opaque))
	c.Set = make(map[string][]byte)
	// The changed values are encoded into one buffer; an unchanged value
	// keeps its loaded encoding and gives its room in the buffer back.
	buf := make([]byte, 0, s.loadedSize()+64)
	add := func(k string, v any, old []byte, wasLoaded bool) error {
		start := len(buf)
		var err error
		if buf, err = AppendValue(buf, v); err != nil {
			return fmt.Errorf("session key %q: %w", k, err)
		}
		b := buf[start:len(buf):len(buf)]
		if wasLoaded && sameValue(old, b, v) {
			b, buf = old, buf[:start]
		} else {
			c.Set[k] = b
		}
		c.All[k] = b
		c.Size += len(k) + len(b)
		return nil
	}
	// First the loaded keys, compared with their loaded encoding; a loaded
	// key that is neither a value nor an undecodable one was deleted.
	if s.stored {
		for _, e := range s.loaded {
			if v, ok := s.Values[e.key]; ok {
				if err := add(e.key, v, e.b, true); err != nil {
					return nil, err
				}
			} else if _, ok := s.opaque[e.key]; !ok {
				c.Deleted = append(c.Deleted, e.key)
			}
		}
	}
	// Then the values of keys that were not loaded.
	if len(c.All) < len(s.Values) {
		for k, v := range s.Values {
			if _, done := c.All[k]; done {
				continue
			}
			if err := add(k, v, nil, false); err != nil {
				return nil, err
			}
		}
	}
	for k, b := range s.opaque {
		if _, ok := c.All[k]; !ok {
			c.All[k] = b
			c.Size += len(k) + len(b)
		}
	}
	c.Rank, c.Deadline = rank(c.All, s.Values)
	if maxSize > 0 && c.Size > maxSize {
		return nil, fmt.Errorf("%w: %d bytes encoded, the limit is %d (flamingo.session.store.length)", ErrSessionTooLarge, c.Size, maxSize)
	}
	return c, nil
}

// loadedSize is the encoded size of the loaded values; s.mu must be held.
func (s *Session) loadedSize() int {
	n := 0
	for _, e := range s.loaded {
		n += len(e.b)
	}
	return n
}

// Modified reports whether a save would write anything besides the expiry.
// Unlike Changes it allocates nothing for values that did not change, so
// the middleware can ask it on every request. A value that cannot be
// encoded counts as modified, so that Save reports the error.
func (s *Session) Modified() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.stored || s.regenerate || s.destroy {
		return !s.stored && len(s.Values) > 0 || s.regenerate || s.destroy
	}
	// Every loaded key must hold a value with its loaded encoding, and
	// there must be no other value: the loaded keys are distinct.
	var scratch [128]byte
	for _, e := range s.loaded {
		v, ok := s.Values[e.key]
		if !ok {
			return true
		}
		if x, ok := v.(string); ok {
			// What AppendValue writes for a string, compared in place.
			if len(e.b) != 1+len(x) || e.b[0] != tagString || string(e.b[1:]) != x {
				return true
			}
			continue
		}
		b, err := AppendValue(scratch[:0], v)
		if err != nil || !sameValue(e.b, b, v) {
			return true
		}
	}
	return len(s.Values) != len(s.loaded)
}

// Saved records that c was written and the record now expires at expiresAt.
// Repositories call it after a successful save. A destroyed session stays
// destroyed: Destroyed reports true, so the middleware expires the cookie,
// and saving it again deletes again.
func (s *Session) Saved(c *Changes, expiresAt time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.regenerate, s.merged = false, c.Merged
	if c.Destroy {
		s.stored, s.loaded, s.opaque = false, nil, nil
		s.expiresAt = time.Time{}
		return
	}
	wasStored := s.stored && !c.New && s.loaded != nil
	s.id, s.stored, s.expiresAt = c.ID, true, expiresAt
	if wasStored {
		s.savedChanges(c)
		return
	}
	s.loaded = make([]storedValue, 0, len(c.All))
	s.opaque = nil
	for k, b := range c.All {
		if _, ok := s.Values[k]; ok {
			s.loaded = append(s.loaded, storedValue{k, b})
		} else {
			if s.opaque == nil {
				s.opaque = make(map[string][]byte)
			}
			s.opaque[k] = b
		}
	}
}

// savedChanges brings the loaded encodings of a stored session up to date
// with the keys c set and deleted, in place; s.mu must be held.
func (s *Session) savedChanges(c *Changes) {
	found := 0 // keys of c.Set among the loaded ones
	for i := range s.loaded {
		e := &s.loaded[i]
		b, ok := c.Set[e.key]
		if !ok {
			continue
		}
		found++
		if _, ok := s.Values[e.key]; ok {
			e.b = b
			delete(s.opaque, e.key)
		}
	}
	if found < len(c.Set) {
		s.savedNewKeys(c)
	}
	switch {
	case len(c.Deleted) > 8:
		deleted := make(map[string]bool, len(c.Deleted))
		for _, k := range c.Deleted {
			deleted[k] = true
		}
		s.loaded = slices.DeleteFunc(s.loaded, func(e storedValue) bool { return deleted[e.key] })
	case len(c.Deleted) > 0:
		s.loaded = slices.DeleteFunc(s.loaded, func(e storedValue) bool { return slices.Contains(c.Deleted, e.key) })
	}
}

// savedNewKeys adds the keys of c.Set that were not loaded; s.mu must be
// held.
func (s *Session) savedNewKeys(c *Changes) {
	loaded := make(map[string]bool, len(s.loaded))
	for _, e := range s.loaded {
		loaded[e.key] = true
	}
	for k, b := range c.Set {
		if _, ok := s.Values[k]; ok && !loaded[k] {
			s.loaded = append(s.loaded, storedValue{k, b})
			delete(s.opaque, k)
		}
	}
}
