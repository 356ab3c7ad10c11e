package redisstore

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
)

// endpoint is ClientOptions after merging the URL in.
type endpoint struct {
	addrs              []string
	username, password string
	db                 int
	tls                bool
}

const (
	urlFix  = "use redis://[user:password@]host:port/db, or rediss://… for TLS"
	hostFix = "use host:port, e.g. redis:6379"
)

func (opts ClientOptions) endpoint() (endpoint, error) {
	ep := endpoint{username: opts.Username, password: opts.Password, db: opts.Database, tls: opts.TLS}
	host := opts.Host
	if opts.URL != "" {
		u, db, err := parseURL(opts.URL)
		if err != nil {
			return ep, err
		}
		host = u.Host
		ep.applyURL(u, db)
	}
	if opts.Sentinel.Master != "" {
		return ep, nil // the Sentinels name the master
	}
	addrs, err := splitHosts(host, opts.ClusterMode)
	if err != nil {
		return ep, err
	}
	ep.addrs = addrs
	return ep, nil
}

// applyURL takes the scheme, user, password and database (-1: none) of u.
func (ep *endpoint) applyURL(u *url.URL, db int) {
	ep.tls = ep.tls || u.Scheme == "rediss"
	if name := u.User.Username(); name != "" {
		ep.username = name
	}
	if pw, ok := u.User.Password(); ok {
		ep.password = pw
	}
	if db >= 0 {
		ep.db = db
	}
}

// parseURL parses a redis:// or rediss:// URL and its database, -1 when
// it gives none.
func parseURL(raw string) (*url.URL, int, error) {
	u, err := url.Parse(raw)
	problem := ""
	switch {
	case err != nil:
		problem = fmt.Sprintf("not a URL (%s)", urlError(err))
	case u.Scheme != "redis" && u.Scheme != "rediss" || u.Host == "":
		problem = "not a redis:// or rediss:// URL with a host"
	}
	db := -1
	if problem == "" {
		db, problem = urlDatabase(u)
	}
	if problem != "" {
		return nil, 0, fmt.Errorf("config key flamingo.session.redis.url = %q: %s; %s", redactURL(raw), problem, urlFix)
	}
	return u, db, nil
}

// urlDatabase is the database a URL gives in its path or as ?db=, -1 when
// none; or what is wrong with it.
func urlDatabase(u *url.URL) (int, string) {
	q := u.Query()
	for name := range q {
		if name != "db" {
			return 0, fmt.Sprintf("unknown parameter %q, only db is understood", redactURL(name))
		}
	}
	path, query := strings.Trim(u.Path, "/"), q.Get("db")
	switch {
	case path != "" && q.Has("db"):
		return 0, "the database is given twice, in the path and as ?db="
	case path == "" && query == "":
		return -1, ""
	}
	db, err := strconv.Atoi(path + query)
	if err != nil || db < 0 {
		return 0, fmt.Sprintf("database %q is not a number", redactURL(path+query))
	}
	return db, ""
}

func splitHosts(host string, cluster bool) ([]string, error) {
	fail := func(problem string) ([]string, error) {
		return nil, fmt.Errorf("config key flamingo.session.redis.host = %q: %s", host, problem)
	}
	parts := strings.Split(host, ",")
	if len(parts) > 1 && !cluster {
		return fail("several addresses are for cluster mode; give one host:port or set flamingo.session.redis.clusterMode to true")
	}
	addrs := make([]string, 0, len(parts))
	for _, p := range parts {
		p = strings.TrimSpace(p)
		if p == "" {
			return fail("empty address; " + hostFix)
		}
		if _, _, err := net.SplitHostPort(p); err != nil {
			p = net.JoinHostPort(strings.Trim(p, "[]"), "6379")
		}
		if h, port, err := net.SplitHostPort(p); err != nil || h == "" || !isPort(port) {
			return fail(fmt.Sprintf("bad address %q; %s", p, hostFix))
		}
		addrs = append(addrs, p)
	}
	return addrs, nil
}

func isPort(s string) bool {
	n, err := strconv.Atoi(s)
	return err == nil && n > 0 && n < 65536
}

// redactURL replaces the password in a URL, even a malformed one, by
// "xxxxx": whatever lies between the first ":" of the user information
// (after "scheme://", or from the start when there is no scheme) and the
// last "@".
func redactURL(raw string) string {
	at := strings.LastIndex(raw, "@")
	if at < 0 {
		return raw
	}
	start := 0
	if i := strings.Index(raw[:at], "://"); i > 0 && isScheme(raw[:i]) {
		start = i + len("://")
	}
	colon := strings.IndexByte(raw[start:at], ':')
	if colon < 0 {
		return raw
	}
	return raw[:start+colon+1] + "xxxxx" + raw[at:]
}

// isScheme reports whether s is a URL scheme (RFC 3986 §3.1).
func isScheme(s string) bool {
	for i, c := range s {
		letter := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
		if !letter && (i == 0 || !(c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.')) {
			return false
		}
	}
	return s != ""
}

// urlError is the reason url.Parse gives, without the URL, which may
// hold a password.
func urlError(err error) string {
	var uerr *url.Error
	if errors.As(err, &uerr) {
		return uerr.Err.Error()
	}
	return err.Error()
}
