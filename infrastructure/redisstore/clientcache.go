package redisstore

import (
	"container/list"
	"hash/maphash"
	"strings"
	"sync"
	"time"

	"github.com/sessionauth/sessionauth/domain"
)

// Defaults of ClientCacheOptions.
const (
	// DefaultClientCacheEntries caps the sessions held in process memory.
	DefaultClientCacheEntries = 10000
	// DefaultClientCacheBytes caps their bytes (keys and values, plus a
	// fixed overhead per session and per value).
	DefaultClientCacheBytes = 64 << 20
	// DefaultClientCacheMaxStale is how long a cached session is served
	// at most without reading it again, even when no invalidation came: the
	// last resort should invalidations be lost without the connection
	// that carries them breaking. A session ended elsewhere is refused
	// within this time at the latest.
	DefaultClientCacheMaxStale = 5 * time.Second
)

// Bytes counted per cached session and per value, beyond the keys' and
// values' own bytes: the map, the entry and the list element.
const (
	entryOverhead = 256
	fieldOverhead = 64
)

// ClientCacheOptions configures the client-side cache of sessions
// (flamingo.session.redis.clientCache…): a session this process loaded is
// served from process memory while Redis has not reported a change to it.
// See tracking.go for how changes are reported.
type ClientCacheOptions struct {
	// Enabled turns the cache on (flamingo.session.redis.clientCache).
	Enabled bool
	// MaxEntries caps the cached sessions
	// (flamingo.session.redis.clientCacheMaxEntries); zero means
	// DefaultClientCacheEntries.
	MaxEntries int
	// MaxBytes caps their bytes (flamingo.session.redis.clientCacheMaxBytes);
	// zero means DefaultClientCacheBytes.
	MaxBytes int
	// MaxStale (flamingo.session.redis.clientCacheMaxStale) bounds how long
	// a session is served from memory since it was read from Redis; zero
	// means DefaultClientCacheMaxStale.
	MaxStale time.Duration
}

func (o ClientCacheOptions) withDefaults() ClientCacheOptions {
	if o.MaxEntries <= 0 {
		o.MaxEntries = DefaultClientCacheEntries
	}
	if o.MaxBytes <= 0 {
		o.MaxBytes = DefaultClientCacheBytes
	}
	if o.MaxStale <= 0 {
		o.MaxStale = DefaultClientCacheMaxStale
	}
	return o
}

// stripes is the number of invalidation counters; a session ID maps to
// one of them.
const stripes = 256

// clientCache holds the stored fields of sessions by ID. It serves
// nothing while the invalidations' connection is down (up false). A read
// from Redis may fill it only when, between the read's start (begin) and
// its end (fill), no invalidation of the session's stripe came and the
// connection did not go down: otherwise a change that Redis reported
// while the read's reply was on its way could be lost.
//
// Eviction follows domain.Rank as the memory backend's does: the least
// recently used session of the lowest rank goes first, and a session never
// pushes out one of a higher rank, so anonymous visitors cannot crowd out
// logged-in users.
type clientCache struct {
	opts ClientCacheOptions
	seed maphash.Seed

	mu      sync.Mutex
	up      bool
	ups     int    // counts the times the connection came up
	gen     uint64 // counts the times the cache was emptied
	stripe  [stripes]uint64
	entries map[string]*list.Element // of *cached
	lru     [domain.RankLoggedIn + 1]*list.List
	count   [domain.RankLoggedIn + 1]int // entries per rank
	bytes   [domain.RankLoggedIn + 1]int // bytes per rank
}

// cached is one session's record as Redis returned it.
type cached struct {
	id       string
	fields   map[string]string
	expires  time.Time
	readAt   time.Time
	size     int
	rank     domain.Rank
	lruOwner *list.List
}

// ticket is what begin hands a read, for fill.
type ticket struct {
	ok     bool
	gen    uint64
	stripe uint64
}

func newClientCache(opts ClientCacheOptions) *clientCache {
	c := &clientCache{opts: opts.withDefaults(), seed: maphash.MakeSeed(), entries: make(map[string]*list.Element)}
	for i := range c.lru {
		c.lru[i] = list.New()
	}
	return c
}

func (c *clientCache) slot(id string) int {
	return int(maphash.String(c.seed, id) % stripes)
}

// get returns the fields and expiry of id when they are cached, fresh
// (read less than MaxStale ago, not expired) and the connection is up.
func (c *clientCache) get(id string, now time.Time) (map[string]string, time.Time, bool) {
	if c == nil {
		return nil, time.Time{}, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.entries[id]
	if !ok || !c.up {
		return nil, time.Time{}, false
	}
	e := el.Value.(*cached)
	if !now.Before(e.expires) || now.Sub(e.readAt) >= c.opts.MaxStale {
		c.remove(el)
		return nil, time.Time{}, false
	}
	e.lruOwner.MoveToFront(el)
	return e.fields, e.expires, true
}

// begin is called before a read of id from Redis.
func (c *clientCache) begin(id string) ticket {
	if c == nil {
		return ticket{}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return ticket{ok: c.up, gen: c.gen, stripe: c.stripe[c.slot(id)]}
}

// fill caches what a read that began with t returned, unless a change
// may have come meanwhile or there is no room without pushing out a
// session of a higher rank.
func (c *clientCache) fill(t ticket, id string, fields map[string]string, expires, readAt time.Time) {
	if c == nil || !t.ok {
		return
	}
	e := &cached{id: id, fields: fields, expires: expires, readAt: readAt, size: entryOverhead + len(id)}
	keys := make(map[string]struct{}, len(fields))
	for f, v := range fields {
		e.size += fieldOverhead + len(f) + len(v)
		if k, ok := strings.CutPrefix(f, valuePrefix); ok {
			keys[k] = struct{}{}
		}
	}
	e.rank = domain.RankOf(keys)
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.up || c.gen != t.gen || c.stripe[c.slot(id)] != t.stripe {
		return
	}
	if el, ok := c.entries[id]; ok {
		c.remove(el)
	}
	if !c.room(e) {
		return
	}
	e.lruOwner = c.lru[e.rank]
	c.entries[id] = e.lruOwner.PushFront(e)
	c.count[e.rank]++
	c.bytes[e.rank] += e.size
}

// room evicts the least recently used sessions of e's rank and below
// until e fits; it evicts nothing and reports false when even all of
// them would not make room.
func (c *clientCache) room(e *cached) bool {
	n, b := len(c.entries), 0
	for r := range c.bytes {
		b += c.bytes[r]
	}
	freeN, freeB := 0, 0
	for r := domain.RankPending; r <= e.rank; r++ {
		freeN, freeB = freeN+c.count[r], freeB+c.bytes[r]
	}
	if e.size > c.opts.MaxBytes || n-freeN+1 > c.opts.MaxEntries || b-freeB+e.size > c.opts.MaxBytes {
		return false
	}
	for r := domain.RankPending; r <= e.rank && (n+1 > c.opts.MaxEntries || b+e.size > c.opts.MaxBytes); {
		back := c.lru[r].Back()
		if back == nil {
			r++
			continue
		}
		b -= back.Value.(*cached).size
		n--
		c.remove(back)
	}
	return true
}

func (c *clientCache) remove(el *list.Element) {
	e := el.Value.(*cached)
	e.lruOwner.Remove(el)
	delete(c.entries, e.id)
	c.count[e.rank]--
	c.bytes[e.rank] -= e.size
}

// invalidate drops id: Redis reported a change, or this process wrote it.
func (c *clientCache) invalidate(id string) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.stripe[c.slot(id)]++
	if el, ok := c.entries[id]; ok {
		c.remove(el)
	}
}

// flush drops everything, and with down stops serving and filling until
// setUp.
func (c *clientCache) flush(down bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	if down {
		c.up = false
	}
	clear(c.entries)
	for r := range c.lru {
		c.lru[r].Init()
		c.count[r], c.bytes[r] = 0, 0
	}
}

// setUp marks the invalidations' connection as working again.
func (c *clientCache) setUp() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	c.up = true
	c.ups++
}

// isUp reports whether the invalidations' connection is up.
func (c *clientCache) isUp() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.up
}

// stats returns the number of cached sessions and their bytes.
func (c *clientCache) stats() (entries, bytes int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for r := range c.bytes {
		bytes += c.bytes[r]
	}
	return len(c.entries), bytes
}
