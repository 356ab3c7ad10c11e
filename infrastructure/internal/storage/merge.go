package storage

import (
	"fmt"

	"github.com/sessionauth/sessionauth/domain"
)

// Merge applies the keys c sets and deletes to the stored values of a
// session, which may hold keys that other saves wrote since this session was
// loaded. When maxSize > 0 and the merged session would be larger, it
// changes nothing and returns an error wrapping domain.ErrSessionTooLarge.
// The memory and the file repository share it.
func Merge(values map[string][]byte, c *domain.Changes, maxSize int) error {
	if maxSize > 0 {
		if size := MergedSize(values, c); size > maxSize {
			return fmt.Errorf("%w: %d bytes encoded together with the keys saved meanwhile by other requests, the limit is %d (flamingo.session.store.length)",
				domain.ErrSessionTooLarge, size, maxSize)
		}
	}
	for k, b := range c.Set {
		values[k] = b
	}
	for _, k := range c.Deleted {
		delete(values, k)
	}
	return nil
}

// MergedSize is the encoded size, keys included, that values would have
// after Merge.
func MergedSize(values map[string][]byte, c *domain.Changes) int {
	size := 0
	for k, b := range values {
		size += len(k) + len(b)
	}
	for k, b := range c.Set {
		if old, ok := values[k]; ok {
			size -= len(k) + len(old)
		}
		size += len(k) + len(b)
	}
	for _, k := range c.Deleted {
		if b, ok := c.Set[k]; ok { // set, then deleted (Session.Changes never asks this)
			size -= len(k) + len(b)
		} else if old, ok := values[k]; ok {
			size -= len(k) + len(old)
		}
	}
	return size
}
