// Package redistest starts real redis-server processes for tests: a
// standalone server, one with TLS, one with ACL users, and a cluster of
// three masters. Each runs in a temporary directory on a free loopback
// port and is stopped when the test ends.
package redistest

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// InstallHint is how to get redis-server on Debian.
const InstallHint = "install it with: apt-get install -y redis-server (make test does this)"

// Options change how a server starts.
type Options struct {
	// TLS serves TLS only, with certificates made for this server.
	TLS bool
	// Config lines added to the server's configuration file, e.g.
	// "user app on >secret ~* &* +@all".
	Config []string
	// Password, when set, is what the default user needs; the harness uses
	// it for its own checks.
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
	// Certs holds the TLS material when the server speaks TLS.
	Certs *Certs

	opts     Options
	cmd      *exec.Cmd
	exitedCh chan struct{}
	log      string
}

// Standalone starts a plain server.
func Standalone(t testing.TB) *Server {
	t.Helper()
	return Start(t, Options{})
}

// Start starts a server with opts and stops it when t ends.
func Start(t testing.TB, opts Options) *Server {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		t.Fatalf("redis-server not found: %v; %s", err, InstallHint)
	}
	dir, err := filepath.Abs(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{Dir: dir, opts: opts, log: filepath.Join(dir, "redis.log")}
	if opts.TLS {
		s.Certs = opts.Certs
		if s.Certs == nil {
			s.Certs = NewCerts(t, dir)
		}
	}
	for attempt := 1; ; attempt++ {
		err := s.start(bin)
		if err == nil {
			t.Cleanup(s.stop)
			return s
		}
		if attempt == 3 {
			t.Fatalf("redis-server did not start: %v\n%s", err, s.Log())
		}
	}
}

// start runs the server on a fresh port and waits until it answers; a
// server that lost its port to another process is tried again.
func (s *Server) start(bin string) error {
	port := 0
	for port == 0 {
		port = pickPort()
	}
	s.Addr = fmt.Sprintf("127.0.0.1:%d", port)
	conf := filepath.Join(s.Dir, "redis.conf")
	if err := os.WriteFile(conf, []byte(s.config(port)), 0o600); err != nil {
		return err
	}
	s.cmd = exec.Command(bin, conf)
	s.cmd.Dir = s.Dir
	if err := s.cmd.Start(); err != nil {
		return err
	}
	exited := make(chan struct{})
	go func() { _ = s.cmd.Wait(); close(exited) }()
	s.exitedCh = exited
	if err := s.waitReady(); err != nil {
		s.stop()
		return err
	}
	return nil
}

func (s *Server) config(port int) string {
	lines := []string{
		"bind 127.0.0.1", "dir " + s.Dir, "logfile " + s.log, `save ""`, "appendonly no",
		"daemonize no", "protected-mode no",
	}
	if s.opts.TLS {
		lines = append(lines, "port 0", fmt.Sprintf("tls-port %d", port),
			"tls-cert-file "+s.Certs.ServerCert, "tls-key-file "+s.Certs.ServerKey,
			"tls-ca-cert-file "+s.Certs.CA, "tls-auth-clients no")
		if s.opts.Cluster {
			lines = append(lines, "tls-cluster yes", "tls-replication yes")
		}
	} else {
		lines = append(lines, fmt.Sprintf("port %d", port))
	}
	if s.opts.Cluster {
		lines = append(lines, "cluster-enabled yes", "cluster-config-file nodes.conf", "cluster-node-timeout 5000")
	}
	if s.opts.Password != "" {
		lines = append(lines, "requirepass "+s.opts.Password)
	}
	return strings.Join(append(lines, s.opts.Config...), "\n") + "\n"
}

// Client returns a go-redis client for the server, as the default user.
func (s *Server) Client(t testing.TB) *redis.Client {
	t.Helper()
	c := redis.NewClient(&redis.Options{Addr: s.Addr, Password: s.opts.Password, TLSConfig: s.TLSConfig()})
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// TLSConfig is a client configuration that trusts the server's CA; nil
// when the server does not speak TLS.
func (s *Server) TLSConfig() *tls.Config {
	if s.Certs == nil {
		return nil
	}
	return s.Certs.ClientConfig()
}

func (s *Server) waitReady() error {
	c := redis.NewClient(&redis.Options{Addr: s.Addr, Password: s.opts.Password, TLSConfig: s.TLSConfig(), MaxRetries: -1})
	defer c.Close()
	deadline := time.Now().Add(15 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		err := c.Ping(ctx).Err()
		cancel()
		if err == nil {
			return nil
		}
		select {
		case <-s.exitedCh:
			return fmt.Errorf("redis-server on %s exited: %v", s.Addr, err)
		default:
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("redis-server on %s does not answer: %v", s.Addr, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Log returns the server's log file.
func (s *Server) Log() string {
	b, _ := os.ReadFile(s.log)
	return string(bytes.TrimSpace(b))
}

// Stop ends the server before the test does, to test an outage.
func (s *Server) Stop() { s.stop() }

func (s *Server) stop() {
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.exitedCh:
	case <-time.After(5 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.exitedCh
	}
}

// pickPort returns a free loopback port low enough that port+10000 (the
// cluster bus) is a valid port, and free as well; 0 when the one it tried
// was taken.
func pickPort() int {
	port := 20000 + rand.IntN(35536)
	if portFree(port) && portFree(port+10000) {
		return port
	}
	return 0
}

func portFree(port int) bool {
	l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		return false
	}
	_ = l.Close()
	return true
}
