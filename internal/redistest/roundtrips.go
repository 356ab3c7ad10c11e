package redistest

import (
	"context"
	"sync/atomic"

	"github.com/redis/go-redis/v9"
)

// RoundTrips counts what a client sends to Redis: every command and every
// pipeline is one round trip.
type RoundTrips struct{ n atomic.Int64 }

// CountRoundTrips adds a counting hook to client.
func CountRoundTrips(client redis.UniversalClient) *RoundTrips {
	r := &RoundTrips{}
	client.AddHook(r)
	return r
}

// Total is the number of round trips so far.
func (r *RoundTrips) Total() int64 { return r.n.Load() }

// During returns the round trips f makes.
func (r *RoundTrips) During(f func()) int64 {
	before := r.n.Load()
	f()
	return r.n.Load() - before
}

// DialHook passes dials through uncounted.
func (r *RoundTrips) DialHook(next redis.DialHook) redis.DialHook { return next }

// ProcessHook counts one command.
func (r *RoundTrips) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		r.n.Add(1)
		return next(ctx, cmd)
	}
}

// ProcessPipelineHook counts one pipeline.
func (r *RoundTrips) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		r.n.Add(1)
		return next(ctx, cmds)
	}
}
