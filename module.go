// Package sessionauth wires sessionauth's web sessions and OpenID Connect
// login into a dingo injector: ConfigModule binds the configuration,
// SessionModule the session repository and middleware, AuthModule the
// login. Backends and brokers are found by name in dingo maps of factories
// (BackendFactory, BrokerFactory), the built-in ones and a user's alike.
// A bad configuration is returned as one error by dingo.NewInjector,
// listing every problem. The packages below (config, domain, application,
// infrastructure, interfaces) build without dingo and can be used directly.
package sessionauth

import (
	"time"

	"flamingo.me/dingo"
	"github.com/gorilla/sessions"

	"github.com/sessionauth/sessionauth/config"
	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/infrastructure/gorillabridge"
	"github.com/sessionauth/sessionauth/infrastructure/telemetry"
	"github.com/sessionauth/sessionauth/interfaces/healthcheck"
	"github.com/sessionauth/sessionauth/interfaces/web"
	"github.com/sessionauth/sessionauth/internal/backends"
)

// CustomSessionBackend turns any gorilla sessions.Store into the session
// backend: bind your implementation and set flamingo.session.backend to
// custom.
type CustomSessionBackend interface {
	SessionStore() sessions.Store
}

// SessionModule binds domain.SessionRepository (built by the BackendFactory
// that flamingo.session.backend names), domain.CookieSigner,
// *web.SessionMiddleware, *gorillabridge.Store (the repository as a gorilla
// sessions.Store, for code that speaks gorilla; with
// flamingo.session.migrate.from it takes over the sessions of Flamingo's
// own Redis or file backend, see legacysession) and, for the built-in
// backends unless flamingo.session.healthcheck is false, a
// healthcheck.Status under "session". The redis backend uses a bound
// redis.UniversalClient when there is one (see redisClientBinding). Every line it writes goes to the
// bound *slog.Logger (injector.Bind(new(slog.Logger)).ToInstance(logger)),
// slog.Default() without one; spans and metrics go to the bound
// OpenTelemetry providers (see telemetryBinding). Load ConfigModule before it (or run
// inside Flamingo) for its configuration.
type SessionModule struct{}

// Configure checks the configuration and binds the session components.
// Every problem, and a session directory that cannot be written or a Redis
// that does not answer, is returned by dingo.NewInjector as one error.
func (*SessionModule) Configure(injector *dingo.Injector) {
	st := startupOf(injector)
	s, problems := config.ReadSession(readValues(injector))
	st.add(problems)
	parts := &sessionParts{settings: s, startup: st}
	st.later(parts.build)
	scoped := guard(problems)

	injector.BindMap(new(BackendFactory), "memory").ToProvider(func(t *telemetryBinding) BackendFactory {
		return backends.Memory(telemetry.NewEvictionCounter("memory", t.options()))
	})
	injector.BindMap(new(BackendFactory), "file").ToProvider(func(t *telemetryBinding) BackendFactory {
		return backends.File(telemetry.NewEvictionCounter("file", t.options()))
	})
	injector.BindMap(new(BackendFactory), "redis").ToProvider(func(b *loggerBinding, c *redisClientBinding) BackendFactory {
		return backends.Redis(orDefault(b.Logger), c.Client)
	})
	injector.BindMap(new(BackendFactory), "cookie").ToProvider(func(b *loggerBinding, c *redisClientBinding) BackendFactory {
		return backends.Cookie(map[string]backends.Factory{"memory": backends.Memory(nil), "file": backends.File(nil),
			"redis": backends.Redis(orDefault(b.Logger), c.Client)})
	})
	injector.BindMap(new(BackendFactory), "custom").ToProvider(func(c *customStore) BackendFactory {
		if c.Store == nil {
			return backends.Custom(nil)
		}
		return backends.Custom(c.Store.SessionStore)
	})

	scoped(injector.Bind(new(domain.CookieSigner)).ToProvider(parts.cookieSigner))
	scoped(injector.Bind(new(domain.SessionRepository)).ToProvider(parts.repository))
	if s.Healthcheck && builtin(s.Backend) {
		scoped(injector.BindMap(new(healthcheck.Status), "session").ToProvider(parts.health))
	}
	opts := web.SessionOptions{
		Name: s.Name, MaxAge: s.MaxAge, MaxLifetime: s.MaxLifetime, Secure: s.Cookie.Secure, Path: s.Cookie.Path, Domain: s.Cookie.Domain,
		SameSite: s.Cookie.SameSite, FailureMode: web.FailClosed,
	}
	if s.Continue {
		opts.FailureMode = web.ContinueFresh
	}
	scoped(injector.Bind(new(web.SessionMiddleware)).ToProvider(func(signer domain.CookieSigner, b *loggerBinding, t *telemetryBinding) *web.SessionMiddleware {
		opts := opts
		opts.Logger = orDefault(b.Logger)
		return web.NewSessionMiddleware(t.wrap(parts.indexedRepository(), s.Backend), signer, opts)
	}))
	migrate := &migration{settings: s}
	st.later(migrate.check(st))
	scoped(injector.Bind(new(gorillabridge.Store)).ToProvider(func(repo domain.SessionRepository, signer domain.CookieSigner, t *telemetryBinding, b *loggerBinding) *gorillabridge.Store {
		store := gorillabridge.NewStore(t.wrap(parts.indexedRepository(), s.Backend), signer, sessions.Options{
			Path: s.Cookie.Path, Domain: s.Cookie.Domain, MaxAge: int(s.MaxAge / time.Second), Secure: s.Cookie.Secure,
			HttpOnly: true, SameSite: s.Cookie.SameSite,
		})
		if m := migrate.of(repo, orDefault(b.Logger)); m != nil {
			store.MigrateFrom(m)
		}
		return store
	}))
}

// guard puts a binding into the check scope when the configuration has
// problems, so that asking for it returns the error instead of a component
// built from defaults.
func guard(problems *config.Problems) func(*dingo.Binding) {
	return func(b *dingo.Binding) {
		if problems.Len() > 0 {
			b.In(new(checkScope))
		}
	}
}

func builtin(backend string) bool {
	return backend == "memory" || backend == "file" || backend == "redis"
}
