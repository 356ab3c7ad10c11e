package redisstore

import (
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"

	"github.com/sessionauth/sessionauth/internal/redact"
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
// it gives none. Its errors show the URL with its password hidden and
// never url.Parse's own message, which can quote part of a password.
func parseURL(raw string) (*url.URL, int, error) {
	u, problem := splitURL(raw)
	db := -1
	if problem == "" {
		db, problem = urlDatabase(u)
	}
	if problem != "" {
		return nil, 0, fmt.Errorf("config key flamingo.session.redis.url = %q: %s", redact.URL(raw), problem)
	}
	return u, db, nil
}

// splitURL parses raw with its user information taken apart first: all
// between "scheme://" and the last "@", the password after its first ":".
// url.Parse alone would end the user information at the first "/", "?"
// or "#" of a password and take the rest for a path, query or fragment.
func splitURL(raw string) (*url.URL, string) {
	scheme, rest, ok := strings.Cut(raw, "://")
	scheme = strings.ToLower(scheme)
	if !ok || scheme != "redis" && scheme != "rediss" {
		return nil, "not a redis:// or rediss:// URL with a host; " + urlFix
	}
	var user *url.Userinfo
	if at := strings.LastIndex(rest, "@"); at >= 0 {
		var problem string
		if user, problem = userinfo(rest[:at]); problem != "" {
			return nil, problem
		}
		rest = rest[at+1:]
	}
	u, err := url.Parse(scheme + "://" + rest)
	if err != nil || u.Host == "" || u.Fragment != "" || u.Port() != "" && !isPort(u.Port()) {
		return nil, "what follows the user and password is not host:port/db; " + urlFix
	}
	u.User = user
	return u, ""
}

// userinfo decodes the user information of a URL, or says what is wrong
// with it without quoting it.
func userinfo(s string) (*url.Userinfo, string) {
	const fix = "the user or password holds a character that a URL must percent-encode (the password is not shown here): " +
		"write # as %23, / as %2F, ? as %3F, @ as %40, : as %3A, % as %25, a space as %20 and any other character as the %XX bytes of its UTF-8, " +
		"or give the password in flamingo.session.redis.password instead"
	name, password, hasPassword := strings.Cut(s, ":")
	if !validUserinfo(s) {
		return nil, fix
	}
	name, err1 := url.PathUnescape(name)
	password, err2 := url.PathUnescape(password)
	if err1 != nil || err2 != nil {
		return nil, fix
	}
	if !hasPassword {
		return url.User(name), ""
	}
	return url.UserPassword(name, password), ""
}

// validUserinfo tells whether s holds only what RFC 3986 allows in user
// information (unreserved, sub-delims, ":" and %XX escapes) and "@", as
// url.Parse takes it.
func validUserinfo(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', strings.IndexByte("-._~!$&'()*+,;=:@", c) >= 0:
		case c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			i += 2
		default:
			return false
		}
	}
	return true
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// urlDatabase is the database a URL gives in its path or as ?db=, -1 when
// none; or what is wrong with it.
func urlDatabase(u *url.URL) (int, string) {
	q := u.Query()
	for name := range q {
		if name != "db" {
			return 0, fmt.Sprintf("unknown parameter %q, only db is understood; %s", redact.URL(name), urlFix)
		}
	}
	path, query := strings.Trim(u.Path, "/"), q.Get("db")
	switch {
	case path != "" && q.Has("db"):
		return 0, "the database is given twice, in the path and as ?db=; " + urlFix
	case path == "" && query == "":
		return -1, ""
	}
	db, err := strconv.Atoi(path + query)
	if err != nil || db < 0 {
		return 0, fmt.Sprintf("database %q is not a number; %s", redact.URL(path+query), urlFix)
	}
	return db, ""
}

func splitHosts(host string, cluster bool) ([]string, error) {
	fail := func(problem string) ([]string, error) {
		return nil, fmt.Errorf("config key flamingo.session.redis.host = %q: %s", redact.URL(host), problem)
	}
	if strings.Contains(host, "@") {
		return fail(credentialsFix("flamingo.session.redis.password", "flamingo.session.redis.username") +
			", or write it all as a redis:// URL in flamingo.session.redis.url instead")
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

// credentialsFix is the problem of an address with user information
// (user:password@host), which go-redis would take for a host name and
// quote in its errors.
func credentialsFix(passwordKey, userKey string) string {
	return fmt.Sprintf("an address cannot carry a user and password before an @ (the password is hidden here); write host:port here, "+
		"the password in %s and the user, if any, in %s", passwordKey, userKey)
}
