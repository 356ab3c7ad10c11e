package redisstore

import (
	"fmt"
	"testing"
	"time"
)

// A read fills the cache only when nothing reported a change of its
// session, and the connection stayed up, while its reply was on the way.
func TestClientCacheFillAfterRead(t *testing.T) {
	now := time.Now()
	fields := map[string]string{"m": "1", "v:a": "x"}
	for _, tc := range []struct {
		name    string
		between func(c *clientCache)
		cached  bool
	}{
		{"nothing happened", func(*clientCache) {}, true},
		{"its session changed", func(c *clientCache) { c.invalidate("id") }, false},
		{"another session changed", func(c *clientCache) { c.invalidate(elsewhere(c, "id")) }, true},
		{"the connection broke and came back", func(c *clientCache) { c.flush(true); c.setUp() }, false},
		{"the connection broke", func(c *clientCache) { c.flush(true) }, false},
		{"FLUSHALL", func(c *clientCache) { c.flush(false) }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newClientCache(ClientCacheOptions{})
			c.setUp()
			tk := c.begin("id")
			tc.between(c)
			c.fill(tk, "id", fields, now.Add(time.Hour), now)
			c.setUp() // so that get looks at the entries in every case
			if _, _, ok := c.get("id", now); ok != tc.cached {
				t.Fatalf("cached = %v; want %v", ok, tc.cached)
			}
		})
	}
}

// elsewhere returns an ID whose stripe is not id's.
func elsewhere(c *clientCache, id string) string {
	for i := 0; ; i++ {
		if other := fmt.Sprint("other", i); c.slot(other) != c.slot(id) {
			return other
		}
	}
}

// A cached copy is served no longer than MaxStale after its read, and not
// past the session's expiry.
func TestClientCacheStaleness(t *testing.T) {
	now := time.Now()
	c := newClientCache(ClientCacheOptions{MaxStale: time.Second})
	c.setUp()
	c.fill(c.begin("a"), "a", map[string]string{"m": "1"}, now.Add(time.Hour), now)
	c.fill(c.begin("b"), "b", map[string]string{"m": "1"}, now.Add(500*time.Millisecond), now)
	for _, tc := range []struct {
		id     string
		at     time.Duration
		cached bool
	}{{"a", 999 * time.Millisecond, true}, {"b", 499 * time.Millisecond, true}, {"b", 500 * time.Millisecond, false}, {"a", time.Second, false}} {
		if _, _, ok := c.get(tc.id, now.Add(tc.at)); ok != tc.cached {
			t.Errorf("%s after %v: cached = %v; want %v", tc.id, tc.at, ok, tc.cached)
		}
	}
}

// An invalidation names a key; the cache drops the session whose record
// holds it, the session's hash or its big-values hash, and nothing for a
// key of another prefix.
func TestSessionIDOfKey(t *testing.T) {
	for _, tc := range []struct {
		prefix, key, id string
		ok              bool
	}{
		{"s:", "s:abc", "abc", true},
		{"s:", "s:{s:abc}", "abc", true},
		{"{shop}:", "{shop}:abc", "abc", true},
		{"{shop}:", "{shop}:abc:big", "abc", true},
		{"", "abc", "abc", true},
		{"", "{abc}", "abc", true},
		{"s:", "t:abc", "", false},
	} {
		r := New(nil, Options{KeyPrefix: tc.prefix})
		if id, ok := r.sessionIDOf(tc.key); id != tc.id || ok != tc.ok {
			t.Errorf("prefix %q, key %q: %q, %v; want %q, %v", tc.prefix, tc.key, id, ok, tc.id, tc.ok)
		}
	}
}
