package sessionauth_test

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

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
