package redisstore

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/redis/go-redis/v9"
)

// SetGoRedisLogger sends go-redis's own log lines (a failed connection
// close, a Sentinel failover, a cluster slot migration) to logger as
// warnings, with the attribute component=go-redis, instead of to the
// standard error. go-redis has one logger per process: the last call wins.
// A nil logger is ignored.
func SetGoRedisLogger(logger *slog.Logger) {
	if logger == nil {
		return
	}
	redis.SetLogger(goRedisLogger{log: logger})
}

// goRedisLogger adapts a *slog.Logger to go-redis's Printf logger.
type goRedisLogger struct{ log *slog.Logger }

func (l goRedisLogger) Printf(ctx context.Context, format string, v ...any) {
	if ctx == nil {
		ctx = context.Background()
	}
	l.log.LogAttrs(ctx, slog.LevelWarn, fmt.Sprintf(format, v...), slog.String("component", "go-redis"))
}
