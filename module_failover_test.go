package sessionauth_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"flamingo.me/dingo"
	"github.com/redis/go-redis/v9"

	"github.com/sessionauth/sessionauth/interfaces/web"
	"github.com/sessionauth/sessionauth/internal/redistest"
)

const (
	failoverSessions = 32                    // visitors writing at once
	failoverPace     = 10 * time.Millisecond // pause between one visitor's requests
	failoverWarmUp   = time.Second           // writing before the kill
	failoverAfter    = 3 * time.Second       // writing after the replica took over
	recoveryBudget   = 2 * time.Second       // allowed beyond the failover time
)

// TestRedisClusterFailover runs two application instances on a Redis
// Cluster of three masters with one replica each; visitors write to
// their sessions through both instances in turn while one master is
// killed with SIGKILL. Every session must be served again within the
// failover time plus recoveryBudget; with waitReplicas 1 no write that a
// response acknowledged may be lost. There, the killed node is started
// again once its replica took over, as an orchestrator would, so that the
// new master has a replica to acknowledge writes again; until that replica
// is online, writes on the shard fail by configuration, so the failover
// time counts until then.
func TestRedisClusterFailover(t *testing.T) {
	for _, waitReplicas := range []int{0, 1} {
		t.Run(fmt.Sprintf("waitReplicas %d", waitReplicas), func(t *testing.T) {
			cluster := redistest.Replicated(t)
			apps := []*httptest.Server{failoverApp(t, cluster, waitReplicas), failoverApp(t, cluster, waitReplicas)}
			run := startVisitors(apps)
			time.Sleep(failoverWarmUp)
			shard := cluster.Shards[0]
			killed := time.Now()
			shard.Master.Kill()
			promoted := waitPromoted(t, shard.Replica, killed)
			failover := promoted
			if waitReplicas > 0 {
				shard.Master.Restart(t)
				failover = waitReplicaOnline(t, shard.Replica, killed)
			}
			time.Sleep(failoverAfter)
			visits := run.stop()
			affected := onShard(t, cluster, visits)
			t.Logf("waitReplicas %d: replica promoted %v after SIGKILL; with waitReplicas, the restarted node online as its replica after %v",
				waitReplicas, promoted.Round(time.Millisecond), failover.Round(time.Millisecond))
			reportFailover(t, visits, affected, killed, failover, waitReplicas)
			stats, err := cluster.Shards[1].Master.Client(t).Info(context.Background(), "commandstats").Result()
			if err != nil || strings.Contains(stats, "cmdstat_wait:") != (waitReplicas > 0) {
				t.Errorf("WAIT in the commands a master ran: %v (%v); want it exactly with waitReplicas", strings.Contains(stats, "cmdstat_wait:"), err)
			}
		})
	}
}

// failoverApp is one application instance: a counter in the session.
func failoverApp(t *testing.T, cluster *redistest.ReplicatedCluster, waitReplicas int) *httptest.Server {
	t.Helper()
	return visitorApp(t, map[string]any{
		"flamingo.session.backend": "redis", "flamingo.session.redis.clusterMode": true,
		"flamingo.session.redis.host":         strings.Join(cluster.Addrs(), ","),
		"flamingo.session.redis.timeout":      "1s",
		"flamingo.session.redis.waitReplicas": waitReplicas, "flamingo.session.redis.waitTimeout": "500ms",
	})
}

// visitorApp is one application instance on cfg: a counter in the
// session, answered as "<session ID> <counter>".
func visitorApp(t *testing.T, cfg map[string]any) *httptest.Server {
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
		fmt.Fprintf(w, "%s %d", s.ID(), n+1)
	})))
	t.Cleanup(srv.Close)
	return srv
}

// request is one request of a visitor: when it ended, whether it was
// served, and the counter it answered.
type request struct {
	end time.Time
	ok  bool
	n   int
}

// visitor is one browser: its session ID (once known) and its visits.
type visitor struct {
	id     string
	visits []request
}

type visitors struct {
	cancel context.CancelFunc
	wg     sync.WaitGroup
	all    []*visitor
}

// startVisitors starts failoverSessions visitors, each sending requests
// one after the other to the apps in turn.
func startVisitors(apps []*httptest.Server) *visitors {
	ctx, cancel := context.WithCancel(context.Background())
	v := &visitors{cancel: cancel}
	for range failoverSessions {
		vis := &visitor{}
		v.all = append(v.all, vis)
		v.wg.Go(func() { vis.run(ctx, apps) })
	}
	return v
}

// stop ends the visitors, sends each one more request and returns them.
func (v *visitors) stop() []*visitor {
	v.cancel()
	v.wg.Wait()
	return v.all
}

func (vis *visitor) run(ctx context.Context, apps []*httptest.Server) {
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, Timeout: 5 * time.Second}
	for i := 0; ctx.Err() == nil; i++ {
		vis.request(client, apps[i%len(apps)].URL)
		time.Sleep(failoverPace)
	}
	vis.request(client, apps[0].URL)
}

func (vis *visitor) request(client *http.Client, url string) {
	resp, err := client.Get(url)
	v := request{}
	if err == nil {
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		id, n, found := strings.Cut(string(body), " ")
		v.n, _ = strconv.Atoi(n)
		v.ok = resp.StatusCode == http.StatusOK && found
		if v.ok {
			vis.id = id
		}
	}
	v.end = time.Now()
	vis.visits = append(vis.visits, v)
}

// waitPromoted waits until replica reports the master role and returns
// how long after killed that was.
func waitPromoted(t *testing.T, replica *redistest.Server, killed time.Time) time.Duration {
	t.Helper()
	c := replica.Client(t)
	for time.Since(killed) < 20*time.Second {
		role, err := c.Do(context.Background(), "ROLE").Slice()
		if err == nil && len(role) > 0 && role[0] == "master" {
			return time.Since(killed)
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("the replica of the killed master was not promoted within 20s")
	return 0
}

// waitReplicaOnline waits until master has a replica online and returns
// how long after killed that was.
func waitReplicaOnline(t *testing.T, master *redistest.Server, killed time.Time) time.Duration {
	t.Helper()
	c := master.Client(t)
	for time.Since(killed) < 20*time.Second {
		info, err := c.Info(context.Background(), "replication").Result()
		if err == nil && strings.Contains(info, "state=online") {
			return time.Since(killed)
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("the restarted node was not online as a replica of the promoted one within 20s")
	return 0
}

// onShard reports which visitors' sessions live in the slots of the
// killed master (now its promoted replica's).
func onShard(t *testing.T, cluster *redistest.ReplicatedCluster, visitors []*visitor) []bool {
	t.Helper()
	promoted := cluster.Shards[0].Replica.Addr
	c := redis.NewClusterClient(&redis.ClusterOptions{Addrs: []string{promoted, cluster.Shards[1].Master.Addr}})
	defer c.Close()
	affected := make([]bool, len(visitors))
	for i, vis := range visitors {
		master, err := c.MasterForKey(context.Background(), vis.id)
		if err != nil {
			t.Fatal(err)
		}
		affected[i] = master.Options().Addr == promoted
	}
	return affected
}

// reportFailover logs the figures and checks recovery and lost writes.
func reportFailover(t *testing.T, visitors []*visitor, affected []bool, killed time.Time, failover time.Duration, waitReplicas int) {
	t.Helper()
	budget := failover + recoveryBudget
	var recoveries []time.Duration
	failed, lost, served := 0, 0, 0
	for i, vis := range visitors {
		r, f, l := vis.figures(killed)
		failed, lost = failed+f, lost+l
		served += len(vis.visits)
		if affected[i] {
			recoveries = append(recoveries, r)
		}
		if r < 0 {
			t.Errorf("session %d (on the killed master: %v) was not served again within %v after the failover", i, affected[i], failoverAfter)
		} else if r > budget {
			t.Errorf("session %d (on the killed master: %v) was served again %v after the kill; want within the failover time %v + %v", i, affected[i], r.Round(time.Millisecond), failover.Round(time.Millisecond), recoveryBudget)
		}
	}
	slices.Sort(recoveries)
	t.Logf("waitReplicas %d: failover %v after SIGKILL; %d of %d sessions on the killed master; served again after %s; %d of %d requests failed; %d acknowledged writes lost",
		waitReplicas, failover.Round(time.Millisecond), len(recoveries), len(visitors), spread(recoveries), failed, served, lost)
	if len(recoveries) == 0 {
		t.Error("no session lived on the killed master; the test proves nothing")
	}
	if waitReplicas > 0 && lost > 0 {
		t.Errorf("%d acknowledged writes were lost with waitReplicas %d; want none", lost, waitReplicas)
	}
}

// figures are, for one visitor: how long after killed it was served
// again (zero when it never failed, negative when its last request
// failed), how many of its requests failed, and
// how many writes that a response acknowledged were lost: a counter that
// goes back below an acknowledged value lost the writes in between.
func (vis *visitor) figures(killed time.Time) (recovered time.Duration, failed, lost int) {
	acked, down := 0, false
	for _, v := range vis.visits {
		if !v.ok {
			failed++
			down = down || v.end.After(killed)
			continue
		}
		if down {
			recovered, down = v.end.Sub(killed), false
		}
		if v.n <= acked {
			lost += acked - v.n + 1
		}
		acked = max(acked, v.n)
	}
	if down {
		recovered = -1
	}
	return recovered, failed, lost
}

// spread is "min / median / max" of sorted durations.
func spread(d []time.Duration) string {
	if len(d) == 0 {
		return "-"
	}
	r := func(x time.Duration) time.Duration { return x.Round(time.Millisecond) }
	return fmt.Sprintf("%v / %v / %v (min / median / max)", r(d[0]), r(d[len(d)/2]), r(d[len(d)-1]))
}
