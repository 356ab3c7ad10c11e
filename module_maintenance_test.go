package sessionauth_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"flamingo.me/dingo"

	"github.com/sessionauth/sessionauth/interfaces/web"
	"github.com/sessionauth/sessionauth/internal/redistest"
)

// maintenanceAfter is how long visitors keep writing after a switchover.
const maintenanceAfter = 2 * time.Second

// TestRedisClusterManualFailover runs two application instances on a
// Redis Cluster of three masters with one replica each while visitors
// write to their sessions through both in turn, and makes one replica
// take over its master with CLUSTER FAILOVER, as an operator does before
// maintenance. No request may fail and no acknowledged write may be lost;
// and every save script ran exactly once: the scripts the servers ran
// (INFO commandstats of all nodes) are as many as the requests, so none
// was sent again after it may have run.
func TestRedisClusterManualFailover(t *testing.T) {
	cluster := redistest.Replicated(t)
	apps := []*httptest.Server{failoverApp(t, cluster, 0), failoverApp(t, cluster, 0)}
	run := startVisitors(apps)
	time.Sleep(failoverWarmUp)
	shard := cluster.Shards[0]
	start := time.Now()
	if err := shard.Replica.Client(t).Do(context.Background(), "CLUSTER", "FAILOVER").Err(); err != nil {
		t.Fatalf("CLUSTER FAILOVER: %v", err)
	}
	promoted := waitPromoted(t, shard.Replica, start)
	time.Sleep(maintenanceAfter)
	visits := run.stop()
	affected := onShard(t, cluster, visits)
	served, failed, lost, onPromoted := maintenanceFigures(visits, affected, start)
	scripts := scriptsRun(t, cluster.Nodes()...)
	t.Logf("CLUSTER FAILOVER: replica promoted after %v; %d of %d sessions on its shard; %d requests, %d failed, %d acknowledged writes lost; %d save scripts ran",
		promoted.Round(time.Millisecond), onPromoted, len(visits), served, failed, lost, scripts)
	wantNoHarm(t, served, failed, lost, onPromoted, scripts)
}

// maintenanceFigures counts the visitors' requests, the failed ones, the
// acknowledged writes lost, and the visitors whose session is affected.
func maintenanceFigures(visits []*visitor, affected []bool, start time.Time) (served, failed, lost, onAffected int) {
	for i, vis := range visits {
		_, f, l := vis.figures(start)
		served, failed, lost = served+len(vis.visits), failed+f, lost+l
		if affected[i] {
			onAffected++
		}
	}
	return served, failed, lost, onAffected
}

// scriptsRun is how many scripts the servers ran (calls of EVALSHA and
// EVAL that did not fail, such as an EVALSHA that found no script).
func scriptsRun(t *testing.T, nodes ...*redistest.Server) int64 {
	t.Helper()
	var n int64
	for _, node := range nodes {
		cmds, err := redistest.ReadCommands(context.Background(), node.Client(t))
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"evalsha", "eval"} {
			n += cmds[name].Calls - cmds[name].FailedCalls
		}
	}
	return n
}

// wantNoHarm checks that maintenance cost no request and no write, that
// it touched sessions in use, and that each request's save ran once.
func wantNoHarm(t *testing.T, served, failed, lost, affected int, scripts int64) {
	t.Helper()
	if failed != 0 || lost != 0 {
		t.Errorf("%d of %d requests failed and %d acknowledged writes were lost; want none", failed, served, lost)
	}
	if affected == 0 {
		t.Error("no session lived where the maintenance happened; the test proves nothing")
	}
	if scripts != int64(served) {
		t.Errorf("the servers ran %d save scripts for %d requests, each of which saves once; want as many", scripts, served)
	}
}

// TestRedisClusterReshard runs two application instances on a Redis
// Cluster of three masters while visitors, each holding a token in its
// session (so each session is two keys, see docs/backends.md), write to
// their sessions through both in turn, and moves the slots of the first
// master's sessions, and as many more, to the second master with
// MIGRATE, a few keys at a time, so that requests meet slots half moved
// (ASK, TRYAGAIN). No request may fail, no acknowledged write may be lost,
// and every save script ran exactly once.
func TestRedisClusterReshard(t *testing.T) {
	cluster := redistest.Cluster(t, false)
	cfg := map[string]any{
		"flamingo.session.backend": "redis", "flamingo.session.redis.clusterMode": true,
		"flamingo.session.redis.host": strings.Join(cluster.Addrs(), ","), "flamingo.session.redis.timeout": "1s",
	}
	tok := strings.Repeat("eyJhbGciOiJSUzI1NiJ9.", 60)
	apps := []*httptest.Server{tokenApp(t, cfg, tok), tokenApp(t, cfg, tok)}
	run := startVisitors(apps)
	time.Sleep(failoverWarmUp)

	ctx := context.Background()
	client := cluster.Client(t)
	from, to := cluster.Nodes[0], cluster.Nodes[1]
	// The slots of the sessions on the first master, then others of its.
	var slots []int
	keys, err := from.Client(t).Keys(ctx, "*").Result()
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range keys {
		slot, err := client.ClusterKeySlot(ctx, k).Result()
		if err != nil {
			t.Fatal(err)
		}
		slots = append(slots, int(slot))
	}
	for s := 0; len(slots) < 2*len(run.all)/3+50 && s < 16384; s++ {
		if master, err := client.MasterForKey(ctx, fmt.Sprintf("{%d}", s)); err == nil && master.Options().Addr == from.Addr {
			slot, _ := client.ClusterKeySlot(ctx, fmt.Sprintf("{%d}", s)).Result()
			slots = append(slots, int(slot))
		}
	}
	start := time.Now()
	moved := map[int]bool{}
	for _, slot := range slots {
		if moved[slot] {
			continue
		}
		moved[slot] = true
		if err := cluster.MoveSlot(ctx, slot, from, to, 1, 20*time.Millisecond); err != nil {
			t.Fatal(err)
		}
	}
	resharded := time.Since(start)
	time.Sleep(maintenanceAfter)
	visits := run.stop()
	affected := make([]bool, len(visits))
	for i, vis := range visits {
		slot, _ := client.ClusterKeySlot(ctx, vis.id).Result()
		affected[i] = moved[int(slot)]
	}
	served, failed, lost, onMoved := maintenanceFigures(visits, affected, start)
	scripts := scriptsRun(t, cluster.Nodes...)
	t.Logf("reshard: %d slots moved in %v; %d of %d sessions in them; %d requests, %d failed, %d acknowledged writes lost; %d save scripts ran",
		len(moved), resharded.Round(time.Millisecond), onMoved, len(visits), served, failed, lost, scripts)
	wantNoHarm(t, served, failed, lost, onMoved, scripts)
}

// tokenApp is visitorApp whose sessions also hold tok, stored at the
// first visit.
func tokenApp(t *testing.T, cfg map[string]any, tok string) *httptest.Server {
	t.Helper()
	injector := newInjector(t, cfg, dingo.ModuleFunc(func(i *dingo.Injector) { i.Bind(new(slog.Logger)).ToInstance(slog.New(slog.DiscardHandler)) }))
	mw, err := injector.GetInstance(new(web.SessionMiddleware))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(mw.(*web.SessionMiddleware).Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := web.SessionFromContext(r.Context())
		n, _ := s.Try("n").(int)
		s.Store("n", n+1)
		if _, ok := s.Load("token"); !ok {
			s.Store("token", tok)
		}
		fmt.Fprintf(w, "%s %d", s.ID(), n+1)
	})))
	t.Cleanup(srv.Close)
	return srv
}
