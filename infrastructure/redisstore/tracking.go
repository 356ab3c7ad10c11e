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
// breaks, or stays silent for longer than two health periods, the cache
// is emptied at once and serves nothing until the connection is back and
// subscribed again (tracking is turned on before the subscription).
const (
	invalidateChannel = "__redis__:invalidate"
	// trackingName is the connection's name in CLIENT LIST.
	trackingName = "sessionauth-invalidations"
	// healthPeriod is how long the connection may be silent before a PING
	// is sent; a second silent period ends the connection.
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
	cache  *clientCache
	source *redis.Client
	prefix string
	// heard, when set (by tests), is called with each key before its
	// invalidation is applied.
	heard func(key string)

	once   sync.Once
	client *redis.Client
	cancel context.CancelFunc
	done   chan struct{}
}

// start makes the connection, in the background, the first time.
func (t *tracker) start() {
	t.once.Do(func() {
		opt := *t.source.Options()
		opt.Protocol, opt.PoolSize, opt.MinIdleConns, opt.MaxIdleConns = 2, 1, 0, 1
		opt.ClientName = trackingName
		opt.ReadTimeout = -1 // ReceiveTimeout sets the read deadline
		onConnect, prefix := opt.OnConnect, t.prefix
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
		t.client = redis.NewClient(&opt)
		ctx, cancel := context.WithCancel(context.Background())
		t.cancel, t.done = cancel, make(chan struct{})
		go t.run(ctx)
	})
}

// run keeps a subscription until ctx ends.
func (t *tracker) run(ctx context.Context) {
	defer close(t.done)
	for ctx.Err() == nil {
		ps := t.client.Subscribe(ctx, invalidateChannel)
		t.listen(ctx, ps)
		t.cache.flush(true)
		_ = ps.Close()
		select {
		case <-ctx.Done():
		case <-time.After(retryPause):
		}
	}
}

// listen applies invalidations until the connection fails or stays
// silent after a PING.
func (t *tracker) listen(ctx context.Context, ps *redis.PubSub) {
	pinged := false
	for {
		msg, err := ps.ReceiveTimeout(ctx, healthPeriod)
		switch {
		case err == nil:
			pinged = false
		case isTimeout(err) && !pinged && ctx.Err() == nil:
			if ps.Ping(ctx) != nil {
				return
			}
			pinged = true
			continue
		case strings.Contains(err.Error(), "unsupported pubsub message payload"):
			// The message without keys of FLUSHDB or FLUSHALL.
			t.cache.flush(false)
			pinged = false
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
			t.invalidate(m)
		}
	}
}

// invalidate drops the sessions whose keys m names.
func (t *tracker) invalidate(m *redis.Message) {
	keys := m.PayloadSlice
	if m.Payload != "" {
		keys = append(keys, m.Payload)
	}
	if len(keys) == 0 {
		t.cache.flush(false)
		return
	}
	for _, k := range keys {
		if t.heard != nil {
			t.heard(k)
		}
		if id, ok := strings.CutPrefix(k, t.prefix); ok {
			t.cache.invalidate(id)
		}
	}
}

// close ends the connection, if it was made.
func (t *tracker) close() error {
	var err error
	t.once.Do(func() {}) // no start after close
	if t.cancel != nil {
		t.cancel()
		<-t.done
		err = t.client.Close()
	}
	return err
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
