package sessionauth

import (
	"log/slog"

	"flamingo.me/dingo"
)

// loggerBinding is the *slog.Logger a user may bind for every line the
// modules write:
//
//	injector.Bind(new(slog.Logger)).ToInstance(logger)
//
// Without a binding the lines go to slog.Default(). The Redis backend also
// routes go-redis's own log lines through it (redisstore.SetGoRedisLogger).
type loggerBinding struct {
	Logger *slog.Logger `inject:",optional"`
}

// loggerOf returns the injector's bound logger, or slog.Default().
func loggerOf(injector *dingo.Injector) *slog.Logger {
	v, err := injector.GetInstance(new(loggerBinding))
	if err != nil {
		return slog.Default()
	}
	return orDefault(v.(*loggerBinding).Logger)
}

// orDefault returns l, or slog.Default() when l is nil or the zero Logger
// that dingo makes up for an unbound *slog.Logger.
func orDefault(l *slog.Logger) *slog.Logger {
	if l == nil || l.Handler() == nil {
		return slog.Default()
	}
	return l
}
