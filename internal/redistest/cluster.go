package redistest

import (
	"context"
	"crypto/tls"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// ClusterNodes is how many masters Cluster starts.
const ClusterNodes = 3

// ClusterServer is a running Redis Cluster of three masters.
type ClusterServer struct {
	Nodes []*Server
	tls   *tls.Config
}

// Addrs are the nodes' addresses, for redis.ClusterOptions.Addrs.
func (c *ClusterServer) Addrs() []string {
	addrs := make([]string, len(c.Nodes))
	for i, n := range c.Nodes {
		addrs[i] = n.Addr
	}
	return addrs
}

// Client returns a cluster client for the test.
func (c *ClusterServer) Client(t testing.TB) *redis.ClusterClient {
	t.Helper()
	cc := redis.NewClusterClient(&redis.ClusterOptions{Addrs: c.Addrs(), TLSConfig: c.tls})
	t.Cleanup(func() { _ = cc.Close() })
	return cc
}

// Cluster starts three cluster nodes, spreads the 16384 slots over them,
// joins them and waits until every node reports cluster_state:ok; it takes
// a few seconds. With withTLS the nodes share one CA (Nodes[i].Certs.CA)
// and talk TLS to clients and to each other.
func Cluster(t testing.TB, withTLS bool) *ClusterServer {
	t.Helper()
	c := &ClusterServer{}
	var certs *Certs
	if withTLS {
		certs = NewCerts(t, t.TempDir())
		c.tls = certs.ClientConfig()
	}
	for i := 0; i < ClusterNodes; i++ {
		c.Nodes = append(c.Nodes, Start(t, Options{Cluster: true, TLS: withTLS, Certs: certs}))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := c.form(ctx, t); err != nil {
		t.Fatalf("redis cluster did not form: %v\n%s", err, c.logs())
	}
	return c
}

// TLSConfig is a client configuration that trusts the nodes' CA; nil
// without TLS.
func (c *ClusterServer) TLSConfig() *tls.Config { return c.tls }

func (c *ClusterServer) logs() string {
	var b strings.Builder
	for _, n := range c.Nodes {
		fmt.Fprintf(&b, "log of the node on %s:\n%s\n", n.Addr, n.Log())
	}
	return b.String()
}

func (c *ClusterServer) form(ctx context.Context, t testing.TB) error {
	clients := make([]*redis.Client, len(c.Nodes))
	for i, n := range c.Nodes {
		clients[i] = n.Client(t)
	}
	per := 16384 / ClusterNodes
	for i, n := range c.Nodes {
		first, last := i*per, (i+1)*per-1
		if i == ClusterNodes-1 {
			last = 16383
		}
		if err := clients[i].Do(ctx, "CLUSTER", "ADDSLOTSRANGE", first, last).Err(); err != nil {
			return fmt.Errorf("addslotsrange on %s: %w", n.Addr, err)
		}
	}
	for _, n := range c.Nodes[1:] {
		host, port, _ := strings.Cut(n.Addr, ":")
		if err := clients[0].Do(ctx, "CLUSTER", "MEET", host, port).Err(); err != nil {
			return fmt.Errorf("cluster meet %s: %w", n.Addr, err)
		}
	}
	return waitOK(ctx, clients)
}

func waitOK(ctx context.Context, clients []*redis.Client) error {
	for {
		ok := 0
		for _, c := range clients {
			info, err := c.ClusterInfo(ctx).Result()
			if err == nil && strings.Contains(info, "cluster_state:ok") && strings.Contains(info, fmt.Sprintf("cluster_known_nodes:%d", ClusterNodes)) {
				ok++
			}
		}
		if ok == len(clients) {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}
