package redisstore

import (
	"context"
	"errors"
	"io"
	"net"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
)

// After a failover in Redis Cluster, the client's slot map still names
// the dead master until it is reloaded; go-redis reloads it by itself only
// after MOVED or READONLY replies or every ClusterStateReloadInterval, not
// when the old master's address refuses connections. So, in cluster mode,
// a command that fails because its node is unreachable or the cluster is
// reconfiguring (CLUSTERDOWN, TRYAGAIN) triggers a reload of the slot map,
// at most one per reloadGap, waits up to recoverWait for the key's slot to
// get another master, and is sent once more when that is safe (a read
// always, a write only when it certainly did not run, see notRun) and
// promising (a new master, or a node that refused the command rather than
// one that may hang).
const (
	// reloadGap is the least time between two reloads this repository
	// asks for; go-redis adds a cooldown of its own.
	reloadGap = 100 * time.Millisecond
	// recoverWait bounds the wait for the new slot map.
	recoverWait = 300 * time.Millisecond
	// recoverPoll is how often the slot map is looked at meanwhile.
	recoverPoll = 10 * time.Millisecond
)

// retryWhen says when a failed command may be sent again.
type retryWhen int

const (
	// always: the command may run twice (a read, or a DEL whose reply
	// does not matter); it is sent again after any failure of its node.
	always retryWhen = iota
	// ifNotRun: running it twice could apply a change twice or misread
	// its reply; it is sent again only when it certainly did not run.
	ifNotRun
)

// failover holds the cluster client and when its slot map was last
// reloaded; it is nil outside cluster mode.
type failover struct {
	cluster    *redis.ClusterClient
	lastReload atomic.Int64 // Unix nanoseconds
}

func newFailover(client redis.UniversalClient) *failover {
	if cc, ok := client.(*redis.ClusterClient); ok {
		return &failover{cluster: cc}
	}
	return nil
}

// do runs cmd; in cluster mode, when it fails with its node, it reloads
// the slot map and runs cmd once more if that is safe (as when allows)
// and promising: the slot has a new master, or the error proves that the
// node refused the command rather than that it hangs.
func (f *failover) do(ctx context.Context, key string, when retryWhen, cmd func() error) error {
	err := cmd()
	if err == nil || f == nil || !nodeFailed(err) {
		return err
	}
	moved, refused := f.recover(ctx, key), notRun(err)
	if when == ifNotRun && !refused || !moved && !refused || ctx.Err() != nil {
		return err
	}
	return cmd()
}

// recover asks for a reload of the slot map and waits, up to recoverWait,
// until key's slot is served by another master than before; it reports
// whether that happened.
func (f *failover) recover(ctx context.Context, key string) bool {
	before := f.master(ctx, key)
	f.reload(ctx)
	ctx, cancel := context.WithTimeout(ctx, recoverWait)
	defer cancel()
	ticker := time.NewTicker(recoverPoll)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return false
		case <-ticker.C:
		}
		if now := f.master(ctx, key); now != "" && now != before {
			return true
		}
	}
}

// reload asks go-redis to reload the slot map in the background, unless
// this repository asked less than reloadGap ago.
func (f *failover) reload(ctx context.Context) {
	now := time.Now().UnixNano()
	last := f.lastReload.Load()
	if now-last < int64(reloadGap) || !f.lastReload.CompareAndSwap(last, now) {
		return
	}
	f.cluster.ReloadState(ctx)
}

// master is the address of key's master in the current slot map.
func (f *failover) master(ctx context.Context, key string) string {
	c, err := f.cluster.MasterForKey(ctx, key)
	if err != nil {
		return ""
	}
	return c.Options().Addr
}

// nodeFailed reports whether err says that the command's node is
// unreachable or the cluster is reconfiguring, rather than that the
// command itself failed or the request's context ended.
func nodeFailed(err error) bool {
	if notRun(err) {
		return true
	}
	var netErr net.Error
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.As(err, &netErr)
}

// notRun reports whether err proves that the command did not run: the
// connection was never made, no connection was free, or the node refused
// it before running it.
func notRun(err error) bool {
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Op == "dial" {
		return true
	}
	if _, moved := redis.IsMovedError(err); moved {
		return true
	}
	if _, ask := redis.IsAskError(err); ask {
		return true
	}
	return errors.Is(err, redis.ErrPoolTimeout) || redis.IsClusterDownError(err) || redis.IsTryAgainError(err) ||
		redis.IsMasterDownError(err) || redis.IsLoadingError(err) || redis.IsReadOnlyError(err)
}
