package redistest

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// NodeTimeout is the cluster-node-timeout of ReplicatedCluster: after it,
// the nodes hold an unreachable master for failed and its replica takes
// over.
const NodeTimeout = time.Second

// Shard is one master of a ReplicatedCluster and its replica.
type Shard struct {
	Master, Replica *Server
}

// ReplicatedCluster is a running Redis Cluster of three masters, each with
// one replica.
type ReplicatedCluster struct {
	Shards []Shard
}

// Addrs are the masters' addresses, for redis.ClusterOptions.Addrs.
func (c *ReplicatedCluster) Addrs() []string {
	addrs := make([]string, len(c.Shards))
	for i, s := range c.Shards {
		addrs[i] = s.Master.Addr
	}
	return addrs
}

// Replicated starts three masters and three replicas with a
// cluster-node-timeout of NodeTimeout, spreads the slots over the masters,
// gives each one replica and waits until the replicas are in sync and
// every node reports cluster_state:ok. Extra configuration lines (e.g.
// "appendfsync always") go to every node.
func Replicated(t testing.TB, config ...string) *ReplicatedCluster {
	t.Helper()
	config = append([]string{fmt.Sprintf("cluster-node-timeout %d", NodeTimeout.Milliseconds()), "repl-diskless-sync-delay 0"}, config...)
	c := &ReplicatedCluster{}
	for range ClusterNodes {
		c.Shards = append(c.Shards, Shard{
			Master:  Start(t, Options{Cluster: true, Config: config}),
			Replica: Start(t, Options{Cluster: true, Config: config}),
		})
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := c.form(ctx, t); err != nil {
		t.Fatalf("redis cluster with replicas did not form: %v", err)
	}
	return c
}

func (c *ReplicatedCluster) form(ctx context.Context, t testing.TB) error {
	masters := make([]*redis.Client, len(c.Shards))
	for i, s := range c.Shards {
		masters[i] = s.Master.Client(t)
	}
	per := 16384 / len(c.Shards)
	for i, m := range masters {
		last := (i+1)*per - 1
		if i == len(masters)-1 {
			last = 16383
		}
		if err := m.Do(ctx, "CLUSTER", "ADDSLOTSRANGE", i*per, last).Err(); err != nil {
			return fmt.Errorf("addslotsrange: %w", err)
		}
	}
	for _, s := range c.Shards {
		for _, n := range []*Server{s.Master, s.Replica} {
			host, port, _ := strings.Cut(n.Addr, ":")
			if err := masters[0].Do(ctx, "CLUSTER", "MEET", host, port).Err(); err != nil {
				return fmt.Errorf("cluster meet %s: %w", n.Addr, err)
			}
		}
	}
	if err := c.replicate(ctx, t, masters); err != nil {
		return err
	}
	return c.waitReady(ctx, t)
}

// replicate makes each shard's replica replicate its master, once the
// replica knows the master.
func (c *ReplicatedCluster) replicate(ctx context.Context, t testing.TB, masters []*redis.Client) error {
	for i, s := range c.Shards {
		id, err := masters[i].Do(ctx, "CLUSTER", "MYID").Text()
		if err != nil {
			return err
		}
		replica := s.Replica.Client(t)
		for {
			err := replica.Do(ctx, "CLUSTER", "REPLICATE", id).Err()
			if err == nil {
				break
			}
			if ctx.Err() != nil {
				return fmt.Errorf("cluster replicate on %s: %w", s.Replica.Addr, err)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	return nil
}

// waitReady waits until every replica is online and every master sees
// the whole cluster in state ok.
func (c *ReplicatedCluster) waitReady(ctx context.Context, t testing.TB) error {
	want := fmt.Sprintf("cluster_known_nodes:%d", 2*len(c.Shards))
	var masters []*redis.Client
	for _, s := range c.Shards {
		masters = append(masters, s.Master.Client(t))
	}
	for {
		ready := true
		for i := range c.Shards {
			info, err := masters[i].ClusterInfo(ctx).Result()
			ready = ready && err == nil && strings.Contains(info, "cluster_state:ok") && strings.Contains(info, want)
			repl, err := masters[i].Info(ctx, "replication").Result() // online: it acknowledges writes
			ready = ready && err == nil && strings.Contains(repl, "state=online")
		}
		if ready {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("not ready: %w", ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// Restart starts a killed or stopped server again, on the same address,
// with the same configuration and working directory (a cluster node
// keeps its identity).
func (s *Server) Restart(t testing.TB) {
	t.Helper()
	p := s.proc
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		t.Fatalf("redis-server not found (%v); %s", err, InstallHint)
	}
	cmd := exec.Command(bin, filepath.Join(p.dir, "redis.conf"))
	cmd.Dir = p.dir
	if err := cmd.Start(); err != nil {
		t.Fatalf("restarting redis-server on %s: %v", p.addr, err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	p.cmd, p.exited = cmd, exited
	if err := p.waitReady(s.Password, s.TLSConfig()); err != nil {
		t.Fatalf("redis-server on %s did not restart: %v\n%s", p.addr, err, p.readLog())
	}
}

// Nodes are every master and replica of the cluster.
func (c *ReplicatedCluster) Nodes() []*Server {
	var nodes []*Server
	for _, s := range c.Shards {
		nodes = append(nodes, s.Master, s.Replica)
	}
	return nodes
}
