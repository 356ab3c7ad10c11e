package redisstore

// Test hooks of the client-side cache.

// SetInvalidationHook makes r's invalidations' connection call f with
// each key it hears of, before the invalidation is applied; call it before
// the first Load.
func SetInvalidationHook(r *Repository, f func(key string)) { r.track.heard = f }

// ClientCacheUps tells whether r's invalidations' connection is up, and
// how often it came up.
func ClientCacheUps(r *Repository) (up bool, ups int) {
	r.cache.mu.Lock()
	defer r.cache.mu.Unlock()
	return r.cache.up, r.cache.ups
}
