package redisstore

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"
	"time"

	"github.com/redis/go-redis/v9"
)

// DefaultTimeout applies when ClientOptions.Timeout is zero.
const DefaultTimeout = 5 * time.Second

// ClientOptions are the connection settings, one field per configuration
// key. The parts of URL win over Host, Username, Password and Database.
type ClientOptions struct {
	// URL is flamingo.session.redis.url: redis://[user:password@]host:port/db,
	// or rediss://… for TLS; the database may also be given as ?db=N. The
	// user information ends at the last "@"; "#", "/", "?", "%", spaces and
	// non-ASCII characters in it must be percent-encoded.
	URL string
	// Host is flamingo.session.redis.host: host[:port], port 6379 by
	// default; in cluster mode several comma-separated seed addresses. An
	// address with user information (user:password@host) is refused.
	Host string
	// Username is flamingo.session.redis.username, the ACL user; empty
	// means the default user.
	Username string
	// Password is flamingo.session.redis.password, the ACL user's password
	// or, without Username, the requirepass password.
	Password string
	// Database is flamingo.session.redis.database; it must be 0 in cluster
	// mode.
	Database int
	// IdleConnections is flamingo.session.redis.idle.connections. As in
	// Flamingo, it is go-redis's PoolSize: the most connections per server
	// (per node in cluster mode), idle or busy; PoolSize wins when set;
	// both 0 mean go-redis's default. See pool.go.
	IdleConnections int
	// PoolSize is flamingo.session.redis.pool.size; see pool.go.
	PoolSize int
	// MinIdleConnections is flamingo.session.redis.pool.minIdle; see pool.go.
	MinIdleConnections int
	// PoolTimeout is flamingo.session.redis.pool.timeout; see pool.go.
	PoolTimeout time.Duration
	// ClusterReloadInterval is flamingo.session.redis.clusterReloadInterval:
	// in cluster mode, how often the slot map is reloaded while commands
	// run (go-redis's ClusterStateReloadInterval); zero means 10 seconds.
	// A failed node reloads it at once as well (see failover.go).
	ClusterReloadInterval time.Duration
	// TLS is flamingo.session.redis.tls; a rediss:// URL implies it. The
	// server certificate is always verified, unless TLSInsecureSkipVerify.
	TLS bool
	// TLSCAFile is flamingo.session.redis.tlsCAFile: PEM file of the CA that
	// signed the server certificate; empty means the system's roots.
	TLSCAFile string
	// TLSServerName is flamingo.session.redis.tlsServerName: the name to
	// verify in the server certificate; empty means each node's host.
	TLSServerName string
	// TLSInsecureSkipVerify is flamingo.session.redis.tlsInsecureSkipVerify:
	// accept any server certificate. For development only: anyone on the
	// network path can then read and change the sessions.
	TLSInsecureSkipVerify bool
	// ClusterMode is flamingo.session.redis.clusterMode: Host lists seeds
	// of a Redis Cluster.
	ClusterMode bool
	// Timeout is flamingo.session.redis.timeout: the dial, read and write
	// timeout of every command (a request's own deadline, when earlier,
	// wins); zero means DefaultTimeout. Dials are not repeated, so each
	// step fails after at most Timeout. A single server's client sends
	// every command once; in cluster mode the repository sends a read once
	// more, and a write once more only when it certainly did not run, after
	// a failover (see failover.go); no write runs twice.
	Timeout time.Duration
	// Sentinel, when its Master is set, finds the master through Redis
	// Sentinel and follows its failovers; Host is then ignored.
	Sentinel SentinelOptions
}

// NewClient returns a *redis.Client, a *redis.ClusterClient in cluster
// mode, or a failover *redis.Client with Sentinel, for opts, without
// connecting. Invalid options yield an error that
// names the configuration key, the value and the fix; passwords are shown
// as "xxxxx".
func NewClient(opts ClientOptions) (redis.UniversalClient, error) {
	ep, err := opts.endpoint()
	if err != nil {
		return nil, err
	}
	if err := opts.check(ep); err != nil {
		return nil, err
	}
	tlsConfig, err := opts.tlsConfig(ep)
	if err != nil {
		return nil, err
	}
	if opts.Sentinel.Master != "" {
		return opts.failoverClient(ep, tlsConfig)
	}
	if opts.ClusterMode {
		return redis.NewClusterClient(opts.clusterOptions(ep, tlsConfig)), nil
	}
	return redis.NewClient(opts.standaloneOptions(ep, tlsConfig)), nil
}

// check validates what endpoint does not.
func (opts ClientOptions) check(ep endpoint) error {
	if err := opts.checkPool(); err != nil {
		return err
	}
	switch {
	case opts.ClusterMode && ep.db != 0:
		return fmt.Errorf("config key flamingo.session.redis.database = %d: Redis Cluster has only database 0; remove the database (also from the URL) or set flamingo.session.redis.clusterMode to false", ep.db)
	case opts.IdleConnections < 0:
		return fmt.Errorf("config key flamingo.session.redis.idle.connections = %d: must not be negative; use a number of connections such as 10, or 0 for go-redis's default", opts.IdleConnections)
	case opts.Timeout < 0:
		return fmt.Errorf("config key flamingo.session.redis.timeout = %v: must not be negative; use a duration such as \"5s\"", opts.Timeout)
	case !ep.tls && (opts.TLSCAFile != "" || opts.TLSServerName != "" || opts.TLSInsecureSkipVerify):
		return fmt.Errorf("config key flamingo.session.redis.tls = false: TLS settings are given (tlsCAFile, tlsServerName or tlsInsecureSkipVerify) but TLS is off; set flamingo.session.redis.tls to true or use a rediss:// URL")
	}
	return nil
}

func (opts ClientOptions) tlsConfig(ep endpoint) (*tls.Config, error) {
	if !ep.tls {
		return nil, nil
	}
	// An empty ServerName makes the TLS dialer verify each node's own host.
	cfg := &tls.Config{MinVersion: tls.VersionTLS12, ServerName: opts.TLSServerName, InsecureSkipVerify: opts.TLSInsecureSkipVerify}
	if opts.TLSCAFile == "" {
		return cfg, nil
	}
	pem, err := os.ReadFile(opts.TLSCAFile)
	if err != nil {
		return nil, fmt.Errorf("config key flamingo.session.redis.tlsCAFile = %q: %v; give the path of the PEM file of the CA that signed the Redis server's certificate", opts.TLSCAFile, err)
	}
	cfg.RootCAs = x509.NewCertPool()
	if !cfg.RootCAs.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("config key flamingo.session.redis.tlsCAFile = %q: no PEM certificate in the file; give the CA certificate in PEM form", opts.TLSCAFile)
	}
	return cfg, nil
}
