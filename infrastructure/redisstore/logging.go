package redisstore

import (
	"context"
	"fmt"
	"log/slog"
	"sync/atomic"

	"github.com/redis/go-redis/v9"

	"github.com/sessionauth/sessionauth/internal/redact"
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

// goRedisLogger adapts go-redis's Printf logger to goRedisLog. go-redis
// quotes addresses in its lines; NewClient refuses one with user
// information, so none holds a password, and each line is passed through
// redact.Text as well, in case go-redis words one that does.
type goRedisLogger struct{}

func (goRedisLogger) Printf(ctx context.Context, format string, v ...any) {
	if ctx == nil {
		ctx = context.Background()
	}
	log := goRedisLog.Load()
	if log == nil {
		log = slog.Default()
	}
	log.LogAttrs(ctx, slog.LevelWarn, redact.Text(fmt.Sprintf(format, v...)), slog.String("component", "go-redis"))
}
