package redisstore

import (
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/sessionauth/sessionauth/domain"
)

// newCache returns the client-side cache and its tracker when cfg asks
// for one and client supports it, else nils.
func newCache(client redis.UniversalClient, cfg Options, idOf func(key string) (string, bool)) (*clientCache, *tracker) {
	single, ok := client.(*redis.Client)
	if !cfg.ClientCache.Enabled || !ok {
		return nil, nil
	}
	c := newClientCache(cfg.ClientCache)
	opt, beat := trackingOptions(single, cfg.KeyPrefix)
	return c, &tracker{cache: c, opt: opt, beatOpt: beat, prefix: cfg.KeyPrefix, idOf: idOf, heartbeat: cfg.KeyPrefix + "~tracking:" + domain.NewSessionID()[:16]}
}

// cachedLoad serves id from the client-side cache when it holds it; the
// first call starts the invalidations' connection.
func (r *Repository) cachedLoad(id string) (*domain.Session, bool) {
	if r.cache == nil {
		return nil, false
	}
	r.track.start()
	fields, expires, ok := r.cache.get(id, time.Now())
	if !ok {
		return nil, false
	}
	return r.restore(id, expires, fields), true
}

// written drops what a save may have changed from the client-side cache,
// before the save returns, so that this process reads its own writes
// whenever Redis's report of them comes.
func (r *Repository) written(c *domain.Changes) {
	r.cache.invalidate(c.ID)
	if c.PreviousID != "" {
		r.cache.invalidate(c.PreviousID)
	}
}

// Close ends the client-side cache's connection, if there is one. The
// client stays open: the repository does not own it.
func (r *Repository) Close() error {
	if r.track == nil {
		return nil
	}
	return r.track.close()
}

// ClientCacheStats reports the sessions the client-side cache holds and
// their bytes; zeros without the cache.
func (r *Repository) ClientCacheStats() (sessions, bytes int) {
	if r.cache == nil {
		return 0, 0
	}
	return r.cache.stats()
}
