package storage

import (
	"sync"
	"time"
)

// MemoryIndex is a domain.SessionIndex in the memory of the process, for
// repositories whose sessions live there too. Its zero value is empty and
// ready. Expired entries are dropped when their key is used, and all of
// them whenever the index has doubled since the last full sweep, so it
// holds at most about twice the live entries.
type MemoryIndex struct {
	mu        sync.Mutex
	keys      map[string]map[string]time.Time // key → id → expiry
	entries   int
	lastSweep int
}

// Index files id under keys until expiresAt.
func (x *MemoryIndex) Index(id string, keys []string, expiresAt time.Time) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.keys == nil {
		x.keys = map[string]map[string]time.Time{}
	}
	now := time.Now()
	for _, k := range keys {
		x.prune(k, x.keys[k], now)
		ids := x.keys[k]
		if ids == nil {
			ids = map[string]time.Time{}
			x.keys[k] = ids
		}
		if _, ok := ids[id]; !ok {
			x.entries++
		}
		ids[id] = expiresAt
	}
	if x.entries > 2*max(x.lastSweep, 512) {
		x.sweep(now)
	}
}

// Unindex removes id from keys.
func (x *MemoryIndex) Unindex(id string, keys []string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	for _, k := range keys {
		if _, ok := x.keys[k][id]; ok {
			delete(x.keys[k], id)
			x.entries--
		}
		if len(x.keys[k]) == 0 {
			delete(x.keys, k)
		}
	}
}

// Indexed returns the live IDs under key.
func (x *MemoryIndex) Indexed(key string) []string {
	x.mu.Lock()
	defer x.mu.Unlock()
	ids := x.keys[key]
	x.prune(key, ids, time.Now())
	out := make([]string, 0, len(ids))
	for id := range ids {
		out = append(out, id)
	}
	return out
}

// prune drops the expired entries of one key; x.mu is held.
func (x *MemoryIndex) prune(key string, ids map[string]time.Time, now time.Time) {
	for id, exp := range ids {
		if !now.Before(exp) {
			delete(ids, id)
			x.entries--
		}
	}
	if len(ids) == 0 {
		delete(x.keys, key)
	}
}

// sweep drops every expired entry; x.mu is held.
func (x *MemoryIndex) sweep(now time.Time) {
	for k, ids := range x.keys {
		x.prune(k, ids, now)
	}
	x.lastSweep = x.entries
}
