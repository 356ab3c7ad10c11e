package redisstore

import (
	"context"
	"fmt"
	"log/slog"
	"sync/atomic"

	"github.com/redis/go-redis/v9"
)

// goRedisLog is where go-redis's own log lines go; nil means slog.Default().
var goRedisLog atomic.Pointer[slog.Logger]

// go-redis keeps its logger in a plain package variable that every
// connection reads, so it is set once, before any client exists; later
// changes only swap goRedisLog, which is safe while clients run.
func init() { redis.SetLogger(goRedisLogger{}) }

// SetGoRedisLogger sends go-redis's own log lines (a failed connection
// close, a Sentinel failover, a cluster slot migration) to logger as
// warnings, with the attribute component=go-redis. Until it is called
// they go to slog.Default(). go-redis has one logger per process: the last
// call wins. A nil logger is ignored.
func SetGoRedisLogger(logger *slog.Logger) {
	if logger == nil {
		return
	}
	goRedisLog.Store(logger)
}

// goRedisLogger adapts go-redis's Printf logger to goRedisLog.
type goRedisLogger struct{}

func (goRedisLogger) Printf(ctx context.Context, format string, v ...any) {
	if ctx == nil {
		ctx = context.Background()
	}
	log := goRedisLog.Load()
	if log == nil {
		log = slog.Default()
	}
	log.LogAttrs(ctx, slog.LevelWarn, fmt.Sprintf(format, v...), slog.String("component", "go-redis"))
}
