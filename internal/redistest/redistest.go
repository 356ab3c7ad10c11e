// Package redistest starts real redis-server processes for tests: a
// standalone server (Standalone), one that speaks only TLS (TLS), one with
// an ACL user of limited rights (ACL), and a cluster of three masters
// (Cluster). Each runs in a temporary directory on a free loopback port
// and is stopped when the test ends; none touches a Redis that is running
// already. Without redis-server the test fails with InstallHint.
package redistest

import (
	"crypto/tls"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"
)

// InstallHint is how to get redis-server on Debian.
const InstallHint = "install it with: apt-get install -y redis-server (make test does this)"

// AdminPassword is what the default user of an ACL server needs.
const AdminPassword = "redistest-admin"

// Options change how a server starts.
type Options struct {
	// TLS serves TLS only, with certificates made for this server.
	TLS bool
	// Config lines added to the server's configuration file, e.g.
	// "user app on >secret ~* &* +@all".
	Config []string
	// Password, when set, is what the default user needs (requirepass);
	// the harness and Server.Client use it.
	Password string
	// Cluster starts the server as a cluster node (used by Cluster).
	Cluster bool
	// Certs, with TLS, are certificates to use instead of new ones.
	Certs *Certs
}

// Server is one running redis-server.
type Server struct {
	// Addr is host:port on 127.0.0.1.
	Addr string
	// Dir is the server's working directory.
	Dir string
	// Certs holds the TLS material when the server speaks TLS: Certs.CA is
	// the CA file's absolute path.
	Certs *Certs
	// Password is what the default user needs; empty when nothing.
	Password string

	proc *process
}

// Standalone starts a plain server without password.
func Standalone(t testing.TB) *Server {
	t.Helper()
	return Start(t, Options{})
}

// TLS starts a server that speaks only TLS, with a certificate for
// 127.0.0.1 from a CA made for it: srv.Certs.CA is the CA file and
// srv.TLSConfig() a client configuration that verifies the server.
func TLS(t testing.TB) *Server {
	t.Helper()
	return Start(t, Options{TLS: true})
}

// ACL starts a server with one more user, user with password, that may
// do only what rules allow, e.g. "~sess:*", "+@hash". The default user
// needs AdminPassword, so Client is an administrator and srv.URL(user,
// password, db) is how the user connects.
func ACL(t testing.TB, user, password string, rules ...string) *Server {
	t.Helper()
	line := fmt.Sprintf("user %s on >%s %s", user, password, strings.Join(rules, " "))
	return Start(t, Options{Password: AdminPassword, Config: []string{line}})
}

// Start starts a server with opts and stops it when t ends. A server that
// does not start fails t with its log.
func Start(t testing.TB, opts Options) *Server {
	t.Helper()
	s := &Server{Certs: opts.Certs, Password: opts.Password}
	if opts.TLS && s.Certs == nil {
		s.Certs = NewCerts(t, t.TempDir())
	}
	if !opts.TLS {
		s.Certs = nil
	}
	s.proc = startProcess(t, opts, s.Certs, s.TLSConfig())
	s.Addr, s.Dir = s.proc.addr, s.proc.dir
	return s
}

// URL is the redis:// (rediss:// with TLS) URL of the server for user and
// password (both may be empty) and database db.
func (s *Server) URL(user, password string, db int) string {
	u := url.URL{Scheme: "redis", Host: s.Addr, Path: fmt.Sprintf("/%d", db)}
	if s.Certs != nil {
		u.Scheme = "rediss"
	}
	if password != "" {
		u.User = url.UserPassword(user, password)
	} else if user != "" {
		u.User = url.User(user)
	}
	return u.String()
}

// Client returns a go-redis client for the server, as the default user,
// closed when t ends.
func (s *Server) Client(t testing.TB) *redis.Client {
	t.Helper()
	c := redis.NewClient(&redis.Options{Addr: s.Addr, Password: s.Password, TLSConfig: s.TLSConfig()})
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// TLSConfig is a client configuration that trusts the server's CA and
// verifies its certificate; nil when the server does not speak TLS.
func (s *Server) TLSConfig() *tls.Config {
	if s.Certs == nil {
		return nil
	}
	return s.Certs.ClientConfig()
}

// Log returns the server's log.
func (s *Server) Log() string { return s.proc.readLog() }

// Stop ends the server before the test does, to test an outage.
func (s *Server) Stop() { s.proc.stop() }
