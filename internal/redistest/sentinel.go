package redistest

import (
	"context"
	"fmt"
	"net"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// SentinelMaster is the name under which Sentinel watches the master.
const SentinelMaster = "sessions"

// SentinelServer is a master, its replica and one Sentinel watching them,
// with a quorum of one: when the master stops answering for a second,
// Sentinel promotes the replica.
type SentinelServer struct {
	Master, Replica *Server
	// Addr is the Sentinel's host:port.
	Addr string

	proc                       *process
	password, sentinelPassword string
}

// Sentinel starts a master, a replica of it and a Sentinel, and waits until
// the replica is in sync and the Sentinel knows it, so that a failover can
// happen; it takes a second or two.
func Sentinel(t testing.TB) *SentinelServer {
	t.Helper()
	return SentinelWithPasswords(t, "", "")
}

// SentinelWithPasswords is Sentinel with password required by master and
// replica (the Sentinel knows it) and sentinelPassword by the Sentinel;
// empty ones are not required.
func SentinelWithPasswords(t testing.TB, password, sentinelPassword string) *SentinelServer {
	t.Helper()
	s := &SentinelServer{Master: Start(t, Options{Password: password}), password: password, sentinelPassword: sentinelPassword}
	host, port, _ := net.SplitHostPort(s.Master.Addr)
	replica := []string{"replicaof " + host + " " + port}
	monitor := []string{
		fmt.Sprintf("sentinel monitor %s %s %s 1", SentinelMaster, host, port),
		"sentinel down-after-milliseconds " + SentinelMaster + " 1000",
		"sentinel failover-timeout " + SentinelMaster + " 5000",
	}
	if password != "" {
		replica = append(replica, "masterauth "+password)
		monitor = append(monitor, "sentinel auth-pass "+SentinelMaster+" "+password)
	}
	if sentinelPassword != "" {
		monitor = append(monitor, "requirepass "+sentinelPassword)
	}
	s.Replica = Start(t, Options{Password: password, Config: replica})
	s.proc = startSentinel(t, monitor, sentinelPassword)
	s.Addr = s.proc.addr
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := s.waitReplica(ctx); err != nil {
		t.Fatalf("sentinel did not see the replica: %v\nsentinel log:\n%s\nreplica log:\n%s", err, s.proc.readLog(), s.Replica.Log())
	}
	return s
}

// startSentinel runs redis-server --sentinel with the monitor lines.
func startSentinel(t testing.TB, monitor []string, password string) *process {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		t.Fatalf("redis-server not found (%v); %s", err, InstallHint)
	}
	dir, err := filepath.Abs(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	p := &process{dir: dir, log: filepath.Join(dir, "sentinel.log"), args: []string{"--sentinel"}}
	conf := func(port int) string {
		lines := []string{"bind 127.0.0.1", fmt.Sprintf("port %d", port), "dir " + dir, "logfile " + p.log, "daemonize no", "protected-mode no"}
		return strings.Join(append(lines, monitor...), "\n") + "\n"
	}
	for attempt := 1; ; attempt++ {
		err := p.start(bin, conf)
		if err == nil {
			err = p.waitReady(password, nil)
		}
		if err == nil {
			t.Cleanup(p.stop)
			return p
		}
		p.stop()
		if attempt == startAttempts {
			t.Fatalf("redis sentinel did not start: %v\nits output and log (in %s):\n%s", err, p.dir, p.readLog())
		}
	}
}

// waitReplica waits until the replica's link to the master is up and the
// Sentinel lists it.
func (s *SentinelServer) waitReplica(ctx context.Context) error {
	replica := redis.NewClient(&redis.Options{Addr: s.Replica.Addr, Password: s.password, MaxRetries: -1})
	defer replica.Close()
	sentinel := redis.NewSentinelClient(&redis.Options{Addr: s.Addr, Password: s.sentinelPassword, MaxRetries: -1})
	defer sentinel.Close()
	for {
		info, _ := replica.Info(ctx, "replication").Result()
		replicas, _ := sentinel.Replicas(ctx, SentinelMaster).Result()
		if strings.Contains(info, "master_link_status:up") && len(replicas) == 1 && !strings.Contains(fmt.Sprint(replicas), "disconnected") {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w: replica %q, sentinel's replicas %v", ctx.Err(), info, replicas)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// MasterAddr asks the Sentinel which address is the master now.
func (s *SentinelServer) MasterAddr(ctx context.Context) (string, error) {
	sentinel := redis.NewSentinelClient(&redis.Options{Addr: s.Addr, Password: s.sentinelPassword, MaxRetries: -1})
	defer sentinel.Close()
	addr, err := sentinel.GetMasterAddrByName(ctx, SentinelMaster).Result()
	if err != nil {
		return "", err
	}
	return net.JoinHostPort(addr[0], addr[1]), nil
}

// Log returns the Sentinel's log.
func (s *SentinelServer) Log() string { return s.proc.readLog() }

// Kill ends the server at once with SIGKILL, as a crash would: no
// shutdown, nothing flushed to replicas.
func (s *Server) Kill() {
	if s.proc.cmd == nil || s.proc.cmd.Process == nil {
		return
	}
	_ = s.proc.cmd.Process.Kill()
	<-s.proc.exited
}
