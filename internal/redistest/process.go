package redistest

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// startAttempts is how often a server is started on a fresh port before
// the test fails; another process may take a port between the check that
// it is free and the server binding it.
const startAttempts = 3

// process is one redis-server process.
type process struct {
	addr, dir, log string
	args           []string // after the configuration file, e.g. --sentinel
	cmd            *exec.Cmd
	exited         chan struct{}
}

func startProcess(t testing.TB, opts Options, certs *Certs, tlsConfig *tls.Config) *process {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		t.Fatalf("redis-server not found (%v); %s", err, InstallHint)
	}
	dir, err := filepath.Abs(t.TempDir()) // redis-server wants absolute paths
	if err != nil {
		t.Fatal(err)
	}
	p := &process{dir: dir, log: filepath.Join(dir, "redis.log")}
	for attempt := 1; ; attempt++ {
		err := p.start(bin, func(port int) string { return config(opts, certs, dir, p.log, port) })
		if err == nil {
			err = p.waitReady(opts.Password, tlsConfig)
		}
		if err == nil {
			t.Cleanup(p.stop)
			return p
		}
		p.stop()
		if attempt == startAttempts {
			t.Fatalf("redis-server did not start: %v\nits output and log (in %s):\n%s", err, p.dir, p.readLog())
		}
	}
}

// config is the server's configuration file.
func config(opts Options, certs *Certs, dir, log string, port int) string {
	lines := []string{
		"bind 127.0.0.1", "dir " + dir, "logfile " + log, `save ""`, "appendonly no",
		"daemonize no", "protected-mode no",
	}
	if opts.TLS {
		lines = append(lines, "port 0", fmt.Sprintf("tls-port %d", port),
			"tls-cert-file "+certs.ServerCert, "tls-key-file "+certs.ServerKey,
			"tls-ca-cert-file "+certs.CA, "tls-auth-clients no")
		if opts.Cluster {
			lines = append(lines, "tls-cluster yes", "tls-replication yes")
		}
	} else {
		lines = append(lines, fmt.Sprintf("port %d", port))
	}
	if opts.Cluster {
		lines = append(lines, "cluster-enabled yes", "cluster-config-file nodes.conf", "cluster-node-timeout 5000")
	}
	if opts.Password != "" {
		lines = append(lines, "requirepass "+opts.Password)
	}
	return strings.Join(append(lines, opts.Config...), "\n") + "\n"
}

// start runs the server on a fresh free port.
func (p *process) start(bin string, conf func(port int) string) error {
	port := pickPort()
	p.addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	file := filepath.Join(p.dir, "redis.conf")
	if err := os.WriteFile(file, []byte(conf(port)), 0o600); err != nil {
		return err
	}
	out, err := os.Create(filepath.Join(p.dir, "redis.out")) // what it says before its log is open
	if err != nil {
		return err
	}
	defer out.Close()
	p.cmd = exec.Command(bin, append([]string{file}, p.args...)...)
	p.cmd.Dir, p.cmd.Stdout, p.cmd.Stderr = p.dir, out, out
	if err := p.cmd.Start(); err != nil {
		return err
	}
	exited := make(chan struct{})
	go func(cmd *exec.Cmd) { _ = cmd.Wait(); close(exited) }(p.cmd)
	p.exited = exited
	return nil
}

// waitReady waits until the server answers PING and makes sure that it
// is this process that answers, not another server that took the port.
func (p *process) waitReady(password string, tlsConfig *tls.Config) error {
	c := redis.NewClient(&redis.Options{Addr: p.addr, Password: password, TLSConfig: tlsConfig, MaxRetries: -1, DialerRetries: 1})
	defer c.Close()
	deadline := time.Now().Add(15 * time.Second)
	for {
		err := p.ping(c)
		if err == nil {
			return nil
		}
		select {
		case <-p.exited:
			return fmt.Errorf("redis-server on %s exited: %v", p.addr, err)
		default:
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("redis-server on %s does not answer: %v", p.addr, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (p *process) ping(c *redis.Client) error {
	conn, err := net.DialTimeout("tcp", p.addr, time.Second) // quietly, before go-redis logs refused dials
	if err != nil {
		return err
	}
	_ = conn.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	info, err := c.Info(ctx, "server").Result()
	if err != nil {
		return err
	}
	if want := fmt.Sprintf("process_id:%d\r", p.cmd.Process.Pid); !strings.Contains(info, want) {
		return errors.New("another server answers on the port")
	}
	return nil
}

// readLog returns the server's output and log file.
func (p *process) readLog() string {
	out, _ := os.ReadFile(filepath.Join(p.dir, "redis.out"))
	log, _ := os.ReadFile(p.log)
	return string(bytes.TrimSpace(append(append(out, '\n'), log...)))
}

// stop ends the process; it may be called more than once.
func (p *process) stop() {
	if p.cmd == nil || p.cmd.Process == nil {
		return
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.exited:
	case <-time.After(5 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.exited
	}
}

// pickPort returns a loopback port that is free, and low enough that
// port+10000 (the cluster bus) is a valid port that is free as well.
func pickPort() int {
	for {
		port := 20000 + rand.IntN(35536)
		if portFree(port) && portFree(port+10000) {
			return port
		}
	}
}

func portFree(port int) bool {
	l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return false
	}
	_ = l.Close()
	return true
}
