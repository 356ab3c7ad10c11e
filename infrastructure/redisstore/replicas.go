package redisstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/redis/go-redis/v9"
)

// ErrReplicas is wrapped by the error of a save that fewer replicas than
// Options.WaitReplicas acknowledged in time.
var ErrReplicas = errors.New("too few replicas acknowledged the write")

// noRetry is a command that go-redis sends at most once: its cluster
// client otherwise sends a command again after a lost connection or a
// timeout, when it may have run already. MOVED and ASK replies, which mean
// it did not run, are still followed.
type noRetry struct{ *redis.Cmd }

func (noRetry) NoRetry() bool { return true }

// send sends the write command args, whose key is key, once, and returns
// its integer reply. With Options.WaitReplicas, WAIT follows on the same
// connection, and fewer acknowledgements than asked for are an error
// (the write itself did run then).
func (r *Repository) send(ctx context.Context, key string, args ...any) (int64, error) {
	cmd := redis.NewCmd(ctx, args...)
	if r.cfg.WaitReplicas <= 0 {
		_ = r.client.Process(ctx, noRetry{cmd})
		return cmd.Int64()
	}
	wait := redis.NewIntCmd(ctx, "wait", r.cfg.WaitReplicas, r.cfg.WaitTimeout.Milliseconds())
	node, err := r.server(ctx, key)
	if err != nil {
		return 0, err
	}
	_, _ = node.Pipelined(ctx, func(p redis.Pipeliner) error {
		_ = p.Process(ctx, cmd)
		return p.Process(ctx, wait)
	})
	n, err := cmd.Int64()
	if err != nil {
		return 0, err
	}
	return n, r.acknowledged(wait)
}

// acknowledged checks the reply of WAIT.
func (r *Repository) acknowledged(wait *redis.IntCmd) error {
	acks, err := wait.Result()
	if err != nil {
		return fmt.Errorf("waiting for %d replicas (flamingo.session.redis.waitReplicas): %w", r.cfg.WaitReplicas, err)
	}
	if acks < int64(r.cfg.WaitReplicas) {
		return fmt.Errorf("%w: %d of %d replicas acknowledged the write within %v (flamingo.session.redis.waitReplicas, waitTimeout); it may be lost if the master fails now",
			ErrReplicas, acks, r.cfg.WaitReplicas, r.cfg.WaitTimeout)
	}
	return nil
}

// server is the client of the server that holds key: in cluster mode a
// client of the key's master in the current slot map, else the client.
func (r *Repository) server(ctx context.Context, key string) (redis.Cmdable, error) {
	if r.fo == nil {
		return r.client, nil
	}
	return r.fo.cluster.MasterForKey(ctx, key)
}

// runScript runs script, whose source is source, on keys (all in one
// slot) with args: by its hash, and by its source on a server that does
// not know it yet (after a restart or a failover; it did not run then).
func (r *Repository) runScript(ctx context.Context, script *redis.Script, source string, keys []string, args []any) (int64, error) {
	run := func(how ...any) (int64, error) {
		cmd := append(append(append(how, len(keys)), toAny(keys)...), args...)
		return r.send(ctx, keys[0], cmd...)
	}
	n, err := run("evalsha", script.Hash())
	if redis.HasErrorPrefix(err, "NOSCRIPT") {
		n, err = run("eval", source)
	}
	return n, err
}

func toAny(keys []string) []any {
	out := make([]any, len(keys))
	for i, k := range keys {
		out[i] = k
	}
	return out
}

// del deletes the record under key, its big-values hash too; with
// Options.WaitReplicas, WAIT follows as in send.
// Deleting twice does no harm, so it is sent once more after any failure
// of its node.
func (r *Repository) del(ctx context.Context, key string) error {
	keys := r.recordKeys(key)
	return r.fo.do(ctx, key, always, func() error {
		if r.cfg.WaitReplicas <= 0 {
			return r.client.Del(ctx, keys...).Err()
		}
		_, err := r.send(ctx, key, append([]any{"del"}, toAny(keys)...)...)
		return err
	})
}
