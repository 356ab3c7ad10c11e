package telemetry

import (
	"context"
	"sync/atomic"

	"github.com/redis/go-redis/v9"
)

// RoundTrips is a go-redis hook that counts the commands and pipelines a
// Repository call sends, for its span's sessionauth.redis.round_trips.
// Outside such a call it does nothing. Add it to the client the Redis
// backend uses: client.AddHook(telemetry.RoundTrips{}).
type RoundTrips struct{}

var _ redis.Hook = RoundTrips{}

type tripsKey struct{}

func withRoundTrips(ctx context.Context) (context.Context, *atomic.Int64) {
	n := new(atomic.Int64)
	return context.WithValue(ctx, tripsKey{}, n), n
}

func countTrip(ctx context.Context) {
	if n, ok := ctx.Value(tripsKey{}).(*atomic.Int64); ok {
		n.Add(1)
	}
}

// DialHook implements redis.Hook.
func (RoundTrips) DialHook(next redis.DialHook) redis.DialHook { return next }

// ProcessHook implements redis.Hook.
func (RoundTrips) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		countTrip(ctx)
		return next(ctx, cmd)
	}
}

// ProcessPipelineHook implements redis.Hook.
func (RoundTrips) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		countTrip(ctx)
		return next(ctx, cmds)
	}
}
