package redisstore

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/redis/go-redis/v9/maintnotifications"
)

// The client-side cache learns of changes through Redis's server-assisted
// client-side caching (CLIENT TRACKING, Redis 6 and later), in broadcast
// mode: one connection of its own, in RESP2, turns tracking on for every
// key under the key prefix (BCAST PREFIX), redirected to itself, and
// subscribes to __redis__:invalidate. Redis then sends the name of every
// key under the prefix that a command changes, expires or evicts, whoever
// changed it, on that connection; a FLUSHDB or FLUSHALL sends a message
// without keys, which empties the cache.
//
// Broadcast mode needs no tracking on the connections that read, so reads
// and writes keep using the client's pool as without the cache; the price
// is that every instance hears of every write under the prefix, not only
// of the sessions it holds. go-redis v9.22 and later have a client-side
// cache of their own; it is not used here: it caches the replies of
// commands in one cache with no notion of a session's rank, tracks each
// pool connection on its own, so a connection that breaks does not empty
// the cache, and it needs RESP3 and a standalone client of a fixed user.
//
// Tracking lives and dies with the connection: when the connection
// breaks, or does not report a heartbeat written to the master within two
// health periods (a silent network fault, or a Sentinel switchover that
// left it on the old master, now a replica, which reports nothing), the
// cache is emptied at once and serves nothing until the connection is back
// and subscribed again (tracking is turned on before the subscription).
const (
	invalidateChannel = "__redis__:invalidate"
	// trackingName is the connection's name in CLIENT LIST.
	trackingName = "sessionauth-invalidations"
	// healthPeriod is how often a heartbeat is written; a heartbeat not
	// heard of two periods later ends the connection.
	healthPeriod = 500 * time.Millisecond
	// retryPause is the wait before the connection is made again.
	retryPause = 100 * time.Millisecond
)

// ClientCacheSupported returns nil when the client-side cache can work
// with client, and an error that says why not otherwise. It needs a single
// server's client (standalone, TLS, ACL users, Sentinel): in Redis Cluster
// each node reports the changes of its own slots only, and a slot that
// moves or fails over to another node would move its changes to a node
// whose invalidations the cache does not hear.
func ClientCacheSupported(client redis.UniversalClient) error {
	switch client.(type) {
	case *redis.Client:
		return nil
	case *redis.ClusterClient:
		return errors.New("the client-side cache cannot follow Redis Cluster: each node reports only the changes of the slots it holds, " +
			"and a slot that moves or fails over takes its changes to a node the cache does not listen to, so sessions could be served stale")
	default:
		return fmt.Errorf("the client-side cache needs a single server's client (*redis.Client, also with Sentinel), not %T", client)
	}
}

// tracker keeps the invalidations' connection and applies what it hears
// to the cache. It starts with the first load, once.
type tracker struct {
	cache   *clientCache
	opt     *redis.Options // of the invalidations' connection
	beatOpt *redis.Options // of the heartbeat's connections
	prefix  string
	// idOf is the ID of the session whose record holds a key: its hash
	// or its big-values hash.
	idOf func(key string) (string, bool)
	// heartbeat is the key the tracker writes to check that it hears the
	// master's writes: under the prefix, never a session's key ("~" is
	// no character of session IDs), one per repository.
	heartbeat string
	// heard, when set (by tests), is called with each key before its
	// invalidation is applied.
	heard func(key string)

	once   sync.Once
	cancel context.CancelFunc
	done   chan struct{}
}

// trackingOptions are the options of the invalidations' connection: those
// of source, in RESP2, named, with tracking turned on in broadcast mode
// for prefix, redirected to the connection itself, before it subscribes.
// Call it before source runs commands: go-redis changes its options while
// it makes a connection.
func trackingOptions(source *redis.Client, prefix string) (tracking, heartbeat *redis.Options) {
	opt := *source.Options()
	opt.Protocol, opt.PoolSize, opt.MinIdleConns, opt.MaxIdleConns = 2, 1, 0, 1
	opt.MaintNotificationsConfig = &maintnotifications.Config{Mode: maintnotifications.ModeDisabled}
	beat := opt
	// Every heartbeat dials anew, so that it reaches the master the
	// client's dialer names now (with Sentinel, the new one after a
	// switchover), not the server an idle connection still holds.
	beat.ConnMaxIdleTime, beat.ClientName = healthPeriod/5, trackingName+"-heartbeat"
	opt.ClientName = trackingName
	opt.ReadTimeout = -1 // ReceiveTimeout sets the read deadline
	onConnect := opt.OnConnect
	opt.OnConnect = func(ctx context.Context, cn *redis.Conn) error {
		if onConnect != nil {
			if err := onConnect(ctx, cn); err != nil {
				return err
			}
		}
		id, err := cn.ClientID(ctx).Result()
		if err != nil {
			return err
		}
		return cn.Do(ctx, "CLIENT", "TRACKING", "ON", "REDIRECT", id, "BCAST", "PREFIX", prefix).Err()
	}
	return &opt, &beat
}

// start makes the connection, in the background, the first time.
func (t *tracker) start() {
	t.once.Do(func() {
		ctx, cancel := context.WithCancel(context.Background())
		t.cancel, t.done = cancel, make(chan struct{})
		go t.run(ctx)
	})
}

// run keeps a subscription until ctx ends, each on a client of its own,
// so that no connection of a lost one is used again (with Sentinel, a new
// client dials the master the Sentinels name now).
func (t *tracker) run(ctx context.Context) {
	defer close(t.done)
	for ctx.Err() == nil {
		client, beat := redis.NewClient(t.opt), redis.NewClient(t.beatOpt)
		ps := client.Subscribe(ctx, invalidateChannel)
		t.listen(ctx, beat, ps)
		t.cache.flush(true)
		_ = ps.Close()
		_ = client.Close()
		_ = beat.Close()
		select {
		case <-ctx.Done():
		case <-time.After(retryPause):
		}
	}
}

// listen applies invalidations until the connection fails or stops
// reporting. Every healthPeriod it writes a heartbeat key under the
// prefix through the repository's client, which reaches the master; when
// its report has not come back two periods later, the connection no
// longer hears the master's writes (it broke silently, or it stayed on a
// server that a Sentinel switchover made a replica) and is given up.
func (t *tracker) listen(ctx context.Context, client *redis.Client, ps *redis.PubSub) {
	var sent time.Time
	awaiting := false
	for {
		if now := time.Now(); awaiting && now.Sub(sent) > 2*healthPeriod {
			return
		} else if !awaiting && now.Sub(sent) >= healthPeriod && t.cache.isUp() {
			if t.beat(ctx, client) != nil {
				return
			}
			sent, awaiting = now, true
		}
		msg, err := ps.ReceiveTimeout(ctx, healthPeriod)
		switch {
		case err == nil:
		case isTimeout(err) && ctx.Err() == nil:
			continue
		case strings.Contains(err.Error(), "unsupported pubsub message payload"):
			// The message without keys of FLUSHDB or FLUSHALL.
			t.cache.flush(false)
			continue
		default:
			return
		}
		switch m := msg.(type) {
		case *redis.Subscription:
			if m.Kind == "subscribe" {
				t.cache.setUp()
			}
		case *redis.Message:
			if t.invalidate(m) {
				awaiting = false
			}
		}
	}
}

// beat writes the heartbeat key through client, the tracker's own (so
// that the repository's client counts only its own round trips).
func (t *tracker) beat(ctx context.Context, client *redis.Client) error {
	ctx, cancel := context.WithTimeout(ctx, 2*healthPeriod)
	defer cancel()
	_, err := client.Pipelined(ctx, func(p redis.Pipeliner) error {
		p.HSet(ctx, t.heartbeat, "at", time.Now().UnixMilli())
		p.PExpire(ctx, t.heartbeat, 10*healthPeriod)
		return nil
	})
	return err
}

// invalidate drops the sessions whose keys m names, and reports whether
// the heartbeat key was among them.
func (t *tracker) invalidate(m *redis.Message) (beat bool) {
	keys := m.PayloadSlice
	if m.Payload != "" {
		keys = append(keys, m.Payload)
	}
	if len(keys) == 0 {
		t.cache.flush(false)
		return false
	}
	for _, k := range keys {
		if t.heard != nil {
			t.heard(k)
		}
		if k == t.heartbeat {
			beat = true
		} else if id, ok := t.idOf(k); ok {
			t.cache.invalidate(id)
		}
	}
	return beat
}

// close ends the connection, if it was made.
func (t *tracker) close() error {
	t.once.Do(func() {}) // no start after close
	if t.cancel != nil {
		t.cancel()
		<-t.done
	}
	return nil
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
