// Package sessionauth wires sessionauth's web sessions and OpenID Connect
// login into a dingo injector: ConfigModule binds the configuration,
// SessionModule the session repository and middleware, AuthModule the
// login. The packages below (domain, application, infrastructure,
// interfaces) build without dingo and can be used directly.
package sessionauth

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"flamingo.me/dingo"
	"github.com/gorilla/sessions"

	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/infrastructure/cookiesigner"
	"github.com/sessionauth/sessionauth/infrastructure/filestore"
	"github.com/sessionauth/sessionauth/infrastructure/gorillabridge"
	"github.com/sessionauth/sessionauth/infrastructure/memorystore"
	"github.com/sessionauth/sessionauth/interfaces/healthcheck"
	"github.com/sessionauth/sessionauth/interfaces/web"
)

// CustomSessionBackend turns any gorilla sessions.Store into the session
// backend: bind your implementation and set flamingo.session.backend to
// custom.
type CustomSessionBackend interface {
	SessionStore() sessions.Store
}

// SessionModule binds domain.SessionRepository (the backend chosen by
// flamingo.session.backend), domain.CookieSigner, *web.SessionMiddleware,
// *gorillabridge.Store (the repository as a gorilla sessions.Store,
// for code that speaks gorilla) and, unless flamingo.session.healthcheck is
// false, a healthcheck.Status under "session". Load ConfigModule (or run
// inside Flamingo) for its config.
type SessionModule struct {
	cfg *sessionConfig
}

// Inject receives the configuration.
func (m *SessionModule) Inject(cfg *sessionConfig) *SessionModule {
	m.cfg = cfg
	return m
}

// Configure checks the configuration and binds the session components.
// Invalid configuration, a session directory that cannot be written or a
// Redis that cannot be reached stops start-up here with a message naming
// the key.
func (m *SessionModule) Configure(injector *dingo.Injector) {
	if m.cfg == nil {
		panic("sessionauth: SessionModule has no configuration; load sessionauth.ConfigModule(...) with it")
	}
	s, err := m.cfg.settings()
	if err != nil {
		panic(err)
	}
	injector.Bind(new(domain.CookieSigner)).ToProvider(signerProvider(s))
	repo, err := builtinRepository(s, m.cfg)
	if err != nil {
		panic(err)
	}
	if repo == nil {
		injector.Bind(new(domain.SessionRepository)).ToProvider(customRepositoryProvider(s))
	} else {
		injector.Bind(new(domain.SessionRepository)).ToInstance(repo)
		if st, ok := repo.(healthcheck.Status); ok && s.healthcheck {
			injector.BindMap(new(healthcheck.Status), "session").ToInstance(st)
		}
	}
	opts := web.SessionOptions{
		Name: s.name, MaxAge: s.maxAge, Secure: s.secure, Path: s.path, Domain: s.domain,
		SameSite: s.sameSite, FailureMode: web.FailClosed, Logger: slog.Default(),
	}
	if s.continueOnDown {
		opts.FailureMode = web.ContinueFresh
	}
	injector.Bind(new(web.SessionMiddleware)).ToProvider(func(repo domain.SessionRepository, signer domain.CookieSigner) *web.SessionMiddleware {
		return web.NewSessionMiddleware(repo, signer, opts)
	})
	injector.Bind(new(gorillabridge.Store)).ToProvider(func(repo domain.SessionRepository, signer domain.CookieSigner) *gorillabridge.Store {
		return gorillabridge.NewStore(repo, signer, sessions.Options{
			Path: s.path, Domain: s.domain, MaxAge: int(s.maxAge / time.Second), Secure: s.secure, HttpOnly: true, SameSite: s.sameSite,
		})
	})
}

// previousSecrets is read when the signer is first needed, after every
// module is configured: inside Flamingo a module bridges this list-valued
// key from Flamingo's own list type.
type previousSecrets struct {
	List []any `inject:"config:flamingo.session.previousSecrets,optional"`
}

// signerProvider builds the cookie signer once per injector: the first
// secret signs, every secret verifies.
func signerProvider(s *sessionSettings) func(*previousSecrets) domain.CookieSigner {
	var once sync.Once
	var signer domain.CookieSigner
	return func(p *previousSecrets) domain.CookieSigner {
		once.Do(func() { signer = newSigner(s, p.List) })
		return signer
	}
}

func newSigner(s *sessionSettings, previous []any) domain.CookieSigner {
	secret := s.secret
	switch secret {
	case "":
		key := make([]byte, 32)
		_, _ = rand.Read(key)
		secret = hex.EncodeToString(key)
		slog.Warn("sessionauth: flamingo.session.secret is not set; cookies are signed with a random key, so sessions end when the process restarts and cannot be shared between instances. Set flamingo.session.secret.")
	case flamingoDefaultSecret:
		slog.Warn("sessionauth: flamingo.session.secret is Flamingo's published default; anyone can sign cookies with it. Set a secret of your own.")
	}
	var errs configErrors
	secrets := append([]string{secret}, stringList(&errs, "flamingo.session.previousSecrets", previous)...)
	if err := errs.err(); err != nil {
		panic(err)
	}
	signer, err := cookiesigner.New(s.name, secrets, s.maxAge)
	if err != nil {
		panic(fmt.Errorf("sessionauth: invalid configuration: %w", err))
	}
	return signer
}

// builtinRepository builds the memory, file or Redis repository; nil for
// any other backend name.
func builtinRepository(s *sessionSettings, cfg *sessionConfig) (domain.SessionRepository, error) {
	switch s.backend {
	case "memory":
		return memorystore.New(memorystore.Options{
			MaxAge: s.maxAge, MaxSize: s.maxSize, MaxSessions: s.maxSessions,
		}), nil
	case "file":
		return filestore.New(filestore.Options{
			Dir: s.file, MaxAge: s.maxAge, MaxSize: s.maxSize,
		})
	case "redis":
		return redisRepository(s, cfg)
	}
	return nil, nil
}

// customBackends are the user's backends, resolved when the repository is
// first asked for, after every module has been configured.
type customBackends struct {
	Store        CustomSessionBackend                `inject:",optional"`
	Repositories map[string]domain.SessionRepository `inject:",optional"`
}

// customRepositoryProvider returns a provider that resolves the custom
// backend once per injector.
func customRepositoryProvider(s *sessionSettings) func(*customBackends) domain.SessionRepository {
	var once sync.Once
	var repo domain.SessionRepository
	return func(b *customBackends) domain.SessionRepository {
		once.Do(func() { repo = resolveCustom(s, b) })
		return repo
	}
}

func resolveCustom(s *sessionSettings, b *customBackends) domain.SessionRepository {
	if repo, ok := b.Repositories[s.backend]; ok {
		return repo
	}
	if s.backend == "custom" && b.Store != nil {
		return gorillabridge.NewRepository(b.Store.SessionStore(), gorillabridge.Options{
			Name: s.name, MaxAge: s.maxAge, MaxSize: s.maxSize,
		})
	}
	names := make([]string, 0, len(b.Repositories))
	for name := range b.Repositories {
		names = append(names, name)
	}
	panic(fmt.Errorf("sessionauth: invalid configuration:\n  config key flamingo.session.backend = %q: no such backend; "+
		"built in are memory, file and redis; custom needs a binding of sessionauth.CustomSessionBackend "+
		"(inside Flamingo, set flamingo.session.repository to memory, file or redis instead); "+
		"your modules bind these repositories by name: %v", s.backend, names))
}
