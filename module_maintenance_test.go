package sessionauth_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"flamingo.me/dingo"

	"github.com/sessionauth/sessionauth/interfaces/web"
	"github.com/sessionauth/sessionauth/internal/oidctest"
	"github.com/sessionauth/sessionauth/internal/redistest"
)

// maintenanceAfter is how long visitors keep writing after a switchover.
const maintenanceAfter = 2 * time.Second

// TestRedisClusterManualFailover runs two application instances on a
// Redis Cluster of three masters with one replica each while visitors
// write to their sessions through both in turn, and makes one replica
// take over its master with CLUSTER FAILOVER, as an operator does before
// maintenance. No request may fail and no acknowledged write may be lost;
// and no save script ran twice: the scripts the servers ran (INFO
// commandstats of all nodes) are no more than the requests, each of which
// saves once, so none was sent again after it had run.
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
// it touched sessions in use, and that no request's save ran twice.
func wantNoHarm(t *testing.T, served, failed, lost, affected int, scripts int64) {
	t.Helper()
	if failed != 0 || lost != 0 {
		t.Errorf("%d of %d requests failed and %d acknowledged writes were lost; want none", failed, served, lost)
	}
	if affected == 0 {
		t.Error("no session lived where the maintenance happened; the test proves nothing")
	}
	if scripts > int64(served) {
		t.Errorf("the servers ran %d save scripts for %d requests, each of which saves once; want no more", scripts, served)
	}
}

// TestRedisClusterReshard runs two application instances on a Redis
// Cluster of three masters while visitors, each holding a token in its
// session (so each session is two keys, see docs/backends.md), write to
// their sessions through both in turn, and moves the slots of the first
// master's sessions, and as many more, to the second master with
// MIGRATE, a few keys at a time, so that requests meet slots half moved
// (ASK, TRYAGAIN). No request may fail, no acknowledged write may be lost,
// and no save script ran twice.
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

// TestRedisClusterReshardOfTheIndex moves the slot of a user's index of
// sessions (a sorted set, see docs/backends.md) between masters, a key at
// a time with pauses in which the slot is half moved, again and again,
// while two instances serve zitadel's provider's logins of the user on
// two devices, "log out other devices" and back-channel logouts, for at
// least three rounds and six moves: every logout must end exactly the
// sessions it names, every time.
func TestRedisClusterReshardOfTheIndex(t *testing.T) {
	cluster := redistest.Cluster(t, false)
	one, two := httptest.NewUnstartedServer(nil), httptest.NewUnstartedServer(nil)
	base1, base2 := "http://"+one.Listener.Addr().String(), "http://"+two.Listener.Addr().String()
	p := oidctest.Start(t, oidctest.Options{RedirectURI: base1 + "/auth/callback/oidc"})
	cfg := map[string]any{
		"flamingo.session.backend": "redis", "flamingo.session.redis.clusterMode": true,
		"flamingo.session.redis.host": strings.Join(cluster.Addrs(), ","),
		"flamingo.session.secret":     "shared secret", "flamingo.session.cookie.secure": false,
		"core.auth.web.baseURL": base1,
		"core.auth.web.broker": []any{map[string]any{"broker": "oidc", "typ": "oidc", "endpoint": p.Issuer,
			"clientID": p.ClientID, "clientSecret": p.ClientSecret}},
	}
	instance(t, one, cfg)
	instance(t, two, cfg)

	ctx := context.Background()
	client := cluster.Client(t)
	sum := sha256.Sum256([]byte("sessionauth user\x00oidc\x00" + oidctest.DefaultUser.ID))
	indexKey := "index:" + hex.EncodeToString(sum[:16])
	slot, err := client.ClusterKeySlot(ctx, indexKey).Result()
	if err != nil {
		t.Fatal(err)
	}
	owner := func() *redistest.Server {
		m, err := client.MasterForKey(ctx, indexKey)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range cluster.Nodes {
			if n.Addr == m.Options().Addr {
				return n
			}
		}
		t.Fatalf("no node at %s", m.Options().Addr)
		return nil
	}

	stop, done := make(chan struct{}), make(chan struct{})
	var moved atomic.Int64
	from := owner()
	go func() {
		defer close(done)
		for {
			select {
			case <-stop:
				return
			default:
			}
			to := cluster.Nodes[(slices.Index(cluster.Nodes, from)+1)%len(cluster.Nodes)]
			if err := cluster.MoveSlot(ctx, int(slot), from, to, 1, 200*time.Millisecond); err != nil {
				t.Error(err)
				return
			}
			from = to
			moved.Add(1)
		}
	}()
	const minRounds, minMoves = 3, 6
	rounds := 0
	for ; rounds < minRounds || moved.Load() < minMoves; rounds++ {
		laptop, phone := newBrowser(t), newBrowser(t)
		laptop.logIn(p, base1)
		phone.logIn(p, base2)
		if code, _, body := laptop.send("POST", base2+"/auth/sessions/end?redirecturl=/account", url.Values{"others": {"1"}}); code != http.StatusSeeOther {
			t.Fatalf("log out other devices: %d %s", code, body)
		}
		if phone.account(base1) != http.StatusSeeOther || laptop.account(base2) != http.StatusOK {
			t.Fatal("after \"log out other devices\" on the laptop, the phone must be logged out and the laptop not")
		}
		phone.logIn(p, base2)
		token, err := p.LogoutToken(oidctest.DefaultUser.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		if code, _, body := newBrowser(t).send("POST", base1+"/auth/backchannel/oidc", url.Values{"logout_token": {token}}); code != http.StatusOK {
			t.Fatalf("back-channel logout: %d %s", code, body)
		}
		for _, b := range []*browser{laptop, phone} {
			if b.account(base1) != http.StatusSeeOther || b.account(base2) != http.StatusSeeOther {
				t.Fatal("a session of the user outlived the back-channel logout")
			}
		}
	}
	close(stop)
	<-done
	t.Logf("%d rounds of two logins, \"log out other devices\" and a back-channel logout while the index's slot %d moved %d times", rounds, slot, moved.Load())
}
