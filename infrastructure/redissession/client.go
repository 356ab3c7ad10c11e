package redissession

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// ClientOptions are the connection settings, one field per configuration
// key. The parts of URL win over Host, Username, Password and Database.
type ClientOptions struct {
	// URL is flamingo.session.redis.url: redis://[user:password@]host:port/db
	// or rediss://… for TLS; the database may also be given as ?db=N.
	URL string
	// Host is flamingo.session.redis.host: host[:port] (port 6379 by
	// default); in cluster mode several comma-separated seed addresses.
	Host string
	// Username and Password are flamingo.session.redis.username and
	// .password (ACL user; password alone for requirepass).
	Username, Password string
	// Database is flamingo.session.redis.database; 0 in cluster mode.
	Database int
	// IdleConnections is flamingo.session.redis.idle.connections: the most
	// idle connections kept open.
	IdleConnections int
	// TLS is flamingo.session.redis.tls; a rediss:// URL implies it. The
	// server certificate is always verified.
	TLS bool
	// TLSCAFile is flamingo.session.redis.tlsCAFile: PEM file of the CA that
	// signed the server certificate; empty means the system's roots.
	TLSCAFile string
	// TLSServerName is flamingo.session.redis.tlsServerName: the name to
	// verify in the server certificate; empty means the host.
	TLSServerName string
	// ClusterMode is flamingo.session.redis.clusterMode.
	ClusterMode bool
	// Timeout is flamingo.session.redis.timeout: dial, read and write
	// timeout of every command; zero means 5 seconds.
	Timeout time.Duration
}

// endpoint is ClientOptions after merging the URL in.
type endpoint struct {
	addrs              []string
	username, password string
	db                 int
	tls                bool
}

// NewClient returns a client for opts, without connecting. Invalid options
// yield an error that names the configuration key, the value and the fix.
func NewClient(opts ClientOptions) (redis.UniversalClient, error) {
	ep, err := opts.endpoint()
	if err != nil {
		return nil, err
	}
	if opts.ClusterMode && ep.db != 0 {
		return nil, fmt.Errorf("config key flamingo.session.redis.database = %d: Redis Cluster has only database 0; remove it or set clusterMode to false", ep.db)
	}
	tlsConfig, err := opts.tlsConfig(ep)
	if err != nil {
		return nil, err
	}
	timeout := opts.Timeout
	if timeout <= 0 {
		timeout = 5 * time.Second
	}
	if opts.ClusterMode {
		return redis.NewClusterClient(&redis.ClusterOptions{
			Addrs: ep.addrs, Username: ep.username, Password: ep.password, TLSConfig: tlsConfig,
			DialTimeout: timeout, ReadTimeout: timeout, WriteTimeout: timeout, MaxIdleConns: opts.IdleConnections,
		}), nil
	}
	return redis.NewClient(&redis.Options{
		Addr: ep.addrs[0], Username: ep.username, Password: ep.password, DB: ep.db, TLSConfig: tlsConfig,
		DialTimeout: timeout, ReadTimeout: timeout, WriteTimeout: timeout, MaxIdleConns: opts.IdleConnections,
	}), nil
}

func (opts ClientOptions) endpoint() (endpoint, error) {
	ep := endpoint{username: opts.Username, password: opts.Password, db: opts.Database, tls: opts.TLS}
	host := opts.Host
	if opts.URL != "" {
		u, err := parseURL(opts.URL)
		if err != nil {
			return ep, err
		}
		host = u.Host
		ep.applyURL(u)
	}
	addrs, err := splitHosts(host, opts.ClusterMode)
	if err != nil {
		return ep, err
	}
	ep.addrs = addrs
	return ep, nil
}

func (ep *endpoint) applyURL(u *url.URL) {
	ep.tls = ep.tls || u.Scheme == "rediss"
	if name := u.User.Username(); name != "" {
		ep.username = name
	}
	if pw, ok := u.User.Password(); ok {
		ep.password = pw
	}
	if db := strings.Trim(u.Path, "/"); db != "" {
		ep.db, _ = strconv.Atoi(db) // checked by parseURL
	} else if db := u.Query().Get("db"); db != "" {
		ep.db, _ = strconv.Atoi(db)
	}
}

const urlFix = "use redis://[user:password@]host:port/db, or rediss://… for TLS"

func parseURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("config key flamingo.session.redis.url = %q: %v; %s", raw, err, urlFix)
	}
	if u.Scheme != "redis" && u.Scheme != "rediss" || u.Host == "" {
		return nil, fmt.Errorf("config key flamingo.session.redis.url = %q: not a redis:// or rediss:// URL with a host; %s", raw, urlFix)
	}
	db := strings.Trim(u.Path, "/")
	if db == "" {
		db = u.Query().Get("db")
	}
	if n, err := strconv.Atoi(db); db != "" && (err != nil || n < 0) {
		return nil, fmt.Errorf("config key flamingo.session.redis.url = %q: database %q is not a number; %s", raw, db, urlFix)
	}
	return u, nil
}

func splitHosts(host string, cluster bool) ([]string, error) {
	parts := strings.Split(host, ",")
	if len(parts) > 1 && !cluster {
		return nil, fmt.Errorf("config key flamingo.session.redis.host = %q: several addresses are for cluster mode; give one host:port or set flamingo.session.redis.clusterMode to true", host)
	}
	addrs := make([]string, 0, len(parts))
	for _, p := range parts {
		p = strings.TrimSpace(p)
		if p == "" {
			return nil, fmt.Errorf("config key flamingo.session.redis.host = %q: empty address; use host:port, e.g. redis:6379", host)
		}
		if _, _, err := net.SplitHostPort(p); err != nil {
			p = net.JoinHostPort(strings.Trim(p, "[]"), "6379")
		}
		if _, port, _ := net.SplitHostPort(p); port == "" || !isPort(port) {
			return nil, fmt.Errorf("config key flamingo.session.redis.host = %q: bad port in %q; use host:port, e.g. redis:6379", host, p)
		}
		addrs = append(addrs, p)
	}
	return addrs, nil
}

func isPort(s string) bool {
	n, err := strconv.Atoi(s)
	return err == nil && n > 0 && n < 65536
}

func (opts ClientOptions) tlsConfig(ep endpoint) (*tls.Config, error) {
	if !ep.tls {
		return nil, nil
	}
	// An empty ServerName makes the TLS dialer verify each node's own host.
	cfg := &tls.Config{MinVersion: tls.VersionTLS12, ServerName: opts.TLSServerName}
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
