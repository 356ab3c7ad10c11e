package redisstore

import (
	"crypto/tls"
	"fmt"
	"net"
	"strings"

	"github.com/redis/go-redis/v9"

	"github.com/sessionauth/sessionauth/internal/redact"
)

// SentinelOptions reach the master through Redis Sentinel, one field per
// configuration key.
type SentinelOptions struct {
	// Master is flamingo.session.redis.sentinel.master: the name under
	// which the Sentinels watch the master (the first argument of
	// "sentinel monitor").
	Master string
	// Addresses is flamingo.session.redis.sentinel.addresses: the
	// Sentinels' host:port, comma-separated; port 26379 by default.
	Addresses string
	// Username is flamingo.session.redis.sentinel.username, the Sentinels'
	// ACL user; empty means the default user.
	Username string
	// Password is flamingo.session.redis.sentinel.password, what the
	// Sentinels need (their requirepass); the master's password is
	// ClientOptions.Password.
	Password string
}

// failoverClient asks the Sentinels for the master and follows failovers:
// go-redis subscribes to the Sentinels' +switch-master and reconnects.
func (opts ClientOptions) failoverClient(ep endpoint, tlsConfig *tls.Config) (redis.UniversalClient, error) {
	addrs, err := opts.Sentinel.addrs()
	if err != nil {
		return nil, err
	}
	if opts.ClusterMode {
		return nil, fmt.Errorf("config key flamingo.session.redis.sentinel.master = %q: Sentinel and cluster mode exclude each other; "+
			"set flamingo.session.redis.clusterMode to false or remove the sentinel keys", opts.Sentinel.Master)
	}
	o := opts.standaloneOptions(endpoint{addrs: []string{""}, username: ep.username, password: ep.password, db: ep.db}, tlsConfig)
	return redis.NewFailoverClient(&redis.FailoverOptions{
		MasterName: opts.Sentinel.Master, SentinelAddrs: addrs,
		SentinelUsername: opts.Sentinel.Username, SentinelPassword: opts.Sentinel.Password,
		Username: o.Username, Password: o.Password, DB: o.DB, TLSConfig: o.TLSConfig,
		DialTimeout: o.DialTimeout, ReadTimeout: o.ReadTimeout, WriteTimeout: o.WriteTimeout, ContextTimeoutEnabled: true,
		MaxRetries: o.MaxRetries, DialerRetries: o.DialerRetries,
		PoolSize: o.PoolSize, MinIdleConns: o.MinIdleConns, PoolTimeout: o.PoolTimeout,
	}), nil
}

// addrs splits Addresses, adding the default port.
func (s SentinelOptions) addrs() ([]string, error) {
	if strings.TrimSpace(s.Addresses) == "" {
		return nil, fmt.Errorf("config key flamingo.session.redis.sentinel.addresses = %q: Sentinel needs the Sentinels' addresses; "+
			"write them comma-separated, e.g. %q", s.Addresses, "sentinel-1:26379,sentinel-2:26379,sentinel-3:26379")
	}
	if strings.Contains(s.Addresses, "@") {
		return nil, fmt.Errorf("config key flamingo.session.redis.sentinel.addresses = %q: %s", redact.URL(s.Addresses),
			credentialsFix("flamingo.session.redis.sentinel.password", "flamingo.session.redis.sentinel.username"))
	}
	var out []string
	for _, a := range strings.Split(s.Addresses, ",") {
		addr, err := hostPort(strings.TrimSpace(a), "26379")
		if err != nil {
			return nil, fmt.Errorf("config key flamingo.session.redis.sentinel.addresses = %q: %v; use host:port, e.g. sentinel-1:26379", redact.URL(s.Addresses), err)
		}
		out = append(out, addr)
	}
	return out, nil
}

// hostPort adds port to an address without one and checks the result.
func hostPort(addr, port string) (string, error) {
	if addr == "" {
		return "", fmt.Errorf("empty address")
	}
	if _, _, err := net.SplitHostPort(addr); err != nil {
		addr = net.JoinHostPort(strings.Trim(addr, "[]"), port)
	}
	if h, p, err := net.SplitHostPort(addr); err != nil || h == "" || !isPort(p) {
		return "", fmt.Errorf("bad address %q", addr)
	}
	return addr, nil
}
