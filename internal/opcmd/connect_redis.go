package opcmd

import (
	"context"
	"fmt"
	"sort"
	"sync"

	"github.com/redis/go-redis/v9"

	"github.com/sessionauth/sessionauth/config"
	"github.com/sessionauth/sessionauth/infrastructure/redisstore"
	"github.com/sessionauth/sessionauth/internal/backends"
)

// Result is the outcome of one check against a running service.
type Result struct {
	Target string `json:"target"` // what was checked: "redis", "redis node 10.0.0.1:6379", "broker corp"
	OK     bool   `json:"ok"`
	Detail string `json:"detail"` // what was found, or what is wrong and what to do
}

// clusterSlots is the number of hash slots of a Redis Cluster.
const clusterSlots = 16384

// ConnectRedis checks that the Redis of r answers: a single server or the
// master that Sentinel names answers PING; in a cluster every node
// answers PING and masters serve all the slots. target names the Redis in
// the results ("redis", "old redis" of the migration).
func ConnectRedis(ctx context.Context, target string, r config.Redis) []Result {
	client, err := redisstore.NewClient(backends.ClientOptions(r))
	if err != nil {
		return []Result{{Target: target, Detail: err.Error()}}
	}
	defer func() { _ = client.Close() }()
	if err := backends.Ping(ctx, client, r); err != nil {
		return []Result{{Target: target, Detail: err.Error()}}
	}
	switch c := client.(type) {
	case *redis.ClusterClient:
		return clusterResults(ctx, target, c, r)
	case *redis.Client:
		what := "answers PING at " + c.Options().Addr
		if r.Sentinel.Master != "" {
			what = fmt.Sprintf("the master %q that Sentinel names answers PING", r.Sentinel.Master)
		}
		return []Result{{Target: target, OK: true, Detail: what}}
	}
	return []Result{{Target: target, OK: true, Detail: "answers PING"}}
}

// clusterResults checks every node of the cluster and the slot coverage.
func clusterResults(ctx context.Context, target string, c *redis.ClusterClient, r config.Redis) []Result {
	ctx, cancel := context.WithTimeout(ctx, 2*r.Timeout)
	defer cancel()
	//lint:ignore SA1019 CLUSTER SHARDS needs Redis 7; CLUSTER SLOTS answers on every version a cluster may run
	slots, err := c.ClusterSlots(ctx).Result()
	if err != nil {
		return []Result{{Target: target, Detail: fmt.Sprintf("CLUSTER SLOTS failed: %v; check that the nodes of flamingo.session.redis.host form a cluster", err)}}
	}
	out := []Result{slotCoverage(target, slots)}
	var mu sync.Mutex
	ping := func(role string) func(context.Context, *redis.Client) error {
		return func(ctx context.Context, node *redis.Client) error {
			res := Result{Target: fmt.Sprintf("%s node %s (%s)", target, node.Options().Addr, role), OK: true, Detail: "answers PING"}
			if err := node.Ping(ctx).Err(); err != nil {
				res.OK, res.Detail = false, fmt.Sprintf("does not answer PING: %v; the cluster serves its slots only after a failover", err)
			}
			mu.Lock()
			out = append(out, res)
			mu.Unlock()
			return nil
		}
	}
	_ = c.ForEachMaster(ctx, ping("master"))
	_ = c.ForEachSlave(ctx, ping("replica"))
	sort.SliceStable(out[1:], func(i, j int) bool { return out[1+i].Target < out[1+j].Target })
	return out
}

// slotCoverage tells whether the masters of slots serve every hash slot.
func slotCoverage(target string, slots []redis.ClusterSlot) Result {
	covered := make([]bool, clusterSlots)
	masters := map[string]bool{}
	for _, s := range slots {
		if len(s.Nodes) > 0 {
			masters[s.Nodes[0].Addr] = true
		}
		for i := max(s.Start, 0); i <= s.End && i < clusterSlots; i++ {
			covered[i] = true
		}
	}
	missing := 0
	for _, ok := range covered {
		if !ok {
			missing++
		}
	}
	if missing > 0 {
		return Result{Target: target + " slots", Detail: fmt.Sprintf("%d of %d hash slots have no master: sessions whose keys hash there cannot be saved; "+
			"assign them (redis-cli --cluster fix)", missing, clusterSlots)}
	}
	return Result{Target: target + " slots", OK: true, Detail: fmt.Sprintf("all %d hash slots are served, by %d masters", clusterSlots, len(masters))}
}
