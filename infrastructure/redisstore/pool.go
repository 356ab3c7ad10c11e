package redisstore

import (
	"crypto/tls"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// The connection pool, one per server (one per node in cluster mode):
//
//   - Its size is the most connections open at once, busy or idle:
//     PoolSize, else IdleConnections (Flamingo's idle.connections, which
//     Flamingo passes to go-redis as its pool size), else go-redis's default
//     of 10 per CPU (GOMAXPROCS), 5 per CPU for each cluster node. A command
//     that finds every connection busy waits for one.
//   - PoolTimeout is how long it waits; then it fails with "redis:
//     connection pool timeout" without reaching Redis. 0 means Timeout
//     plus one second (go-redis's default). A request's own deadline, when
//     earlier, ends the wait as well.
//   - MinIdleConnections are opened ahead of need and kept open; 0 opens
//     connections only when needed. Idle connections are kept open up to
//     the pool size.
//
// A command therefore fails after at most PoolTimeout (waiting for a
// connection) plus Timeout (dialing, when no idle connection was open)
// plus Timeout (sending it and reading the answer).

// poolSize is the pool size to give go-redis; 0 means its default.
func (opts ClientOptions) poolSize() int {
	if opts.PoolSize > 0 {
		return opts.PoolSize
	}
	return opts.IdleConnections
}

// checkPool validates the pool fields.
func (opts ClientOptions) checkPool() error {
	switch size := opts.poolSize(); {
	case opts.PoolSize < 0:
		return fmt.Errorf("config key flamingo.session.redis.pool.size = %d: must not be negative; use a number of connections such as 50, or 0 to take idle.connections", opts.PoolSize)
	case opts.MinIdleConnections < 0:
		return fmt.Errorf("config key flamingo.session.redis.pool.minIdle = %d: must not be negative; use 0 to open connections only when needed", opts.MinIdleConnections)
	case size > 0 && opts.MinIdleConnections > size:
		return fmt.Errorf("config key flamingo.session.redis.pool.minIdle = %d: more than the pool size %d (flamingo.session.redis.pool.size, else idle.connections); use at most the pool size", opts.MinIdleConnections, size)
	case opts.PoolTimeout < 0:
		return fmt.Errorf("config key flamingo.session.redis.pool.timeout = %v: must not be negative; use a duration such as \"1s\"", opts.PoolTimeout)
	}
	return nil
}

func (opts ClientOptions) timeout() time.Duration {
	if opts.Timeout == 0 {
		return DefaultTimeout
	}
	return opts.Timeout
}

// standaloneOptions are the options of a single server's client. Commands
// are sent once: MaxRetries -1 turns go-redis's retries off.
func (opts ClientOptions) standaloneOptions(ep endpoint, tlsConfig *tls.Config) *redis.Options {
	timeout := opts.timeout()
	return &redis.Options{
		Addr: ep.addrs[0], Username: ep.username, Password: ep.password, DB: ep.db, TLSConfig: tlsConfig,
		DialTimeout: timeout, ReadTimeout: timeout, WriteTimeout: timeout, ContextTimeoutEnabled: true,
		MaxRetries: -1, DialerRetries: 1,
		PoolSize: opts.poolSize(), MinIdleConns: opts.MinIdleConnections, PoolTimeout: opts.PoolTimeout,
	}
}

// clusterOptions are the options of a cluster client. go-redis's cluster
// client sends a command again after some failures; the repository keeps
// writes from running twice (see noRetry).
func (opts ClientOptions) clusterOptions(ep endpoint, tlsConfig *tls.Config) *redis.ClusterOptions {
	timeout := opts.timeout()
	return &redis.ClusterOptions{
		Addrs: ep.addrs, Username: ep.username, Password: ep.password, TLSConfig: tlsConfig,
		DialTimeout: timeout, ReadTimeout: timeout, WriteTimeout: timeout, ContextTimeoutEnabled: true,
		MaxRetries: -1, DialerRetries: 1,
		PoolSize: opts.poolSize(), MinIdleConns: opts.MinIdleConnections, PoolTimeout: opts.PoolTimeout,
		ClusterStateReloadInterval: opts.ClusterReloadInterval,
	}
}
