package sessionauth

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"flamingo.me/dingo"

	"github.com/sessionauth/sessionauth/application"
	"github.com/sessionauth/sessionauth/config"
	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/infrastructure/telemetry"
	"github.com/sessionauth/sessionauth/interfaces/healthcheck"
	"github.com/sessionauth/sessionauth/interfaces/web"
	"github.com/sessionauth/sessionauth/internal/brokers"
)

// AuthModule binds the login: every broker of core.auth.web.broker as a
// domain.IdentityProvider (BindMap by name), built by the BrokerFactory its
// typ names; *application.AuthManager and *application.UserSessions (one
// per injector), application.UserServiceInterface, *web.AuthController
// (whose Register serves the login routes and /auth/sessions),
// *web.UserSessionsController and the "auth"
// health check. It logs to the bound *slog.Logger, as SessionModule does.
// It depends on SessionModule.
type AuthModule struct{}

// Depends makes dingo load SessionModule with AuthModule.
func (*AuthModule) Depends() []dingo.Module {
	return []dingo.Module{new(SessionModule)}
}

// Configure checks the configuration and binds the components. Brokers are
// built at the start-up check, without network access: an OpenID provider
// that is down at start-up is discovered later, and the "auth" health
// check reports it.
func (*AuthModule) Configure(injector *dingo.Injector) {
	st := startupOf(injector)
	a, problems := config.ReadAuth(readValues(injector))
	st.add(problems)
	session, _ := config.ReadSession(readValues(injector)) // SessionModule reports its problems
	parts := &authParts{settings: a, startup: st, sealedSessions: session.Backend == "cookie"}
	st.later(parts.build)
	scoped := guard(problems)

	injector.BindMap(new(BrokerFactory), "oidc").ToInstance(BrokerFactory(brokers.OIDC))
	injector.BindMap(new(BrokerFactory), "fake").ToInstance(BrokerFactory(brokers.Fake))
	for _, b := range a.Brokers {
		scoped(injector.BindMap(new(domain.IdentityProvider), b.Name).ToProvider(func() domain.IdentityProvider {
			return parts.broker(b.Name)
		}))
	}
	tokens := parts.tokens()
	injector.Bind(new(application.UserServiceInterface)).ToInstance(&application.UserService{Tokens: tokens})
	scoped(injector.BindMap(new(healthcheck.Status), "auth").ToProvider(parts.health))
	var sessionsOnce sync.Once
	var sessions *application.UserSessions
	userSessions := func(repo domain.SessionRepository) *application.UserSessions {
		sessionsOnce.Do(func() { sessions = application.NewUserSessions(repo) })
		return sessions
	}
	scoped(injector.Bind(new(application.UserSessions)).ToProvider(userSessions))
	var once sync.Once
	var manager *application.AuthManager
	scoped(injector.Bind(new(application.AuthManager)).ToProvider(func(h *authHooks, b *loggerBinding, t *telemetryBinding, repo domain.SessionRepository) *application.AuthManager {
		once.Do(func() {
			if len(a.TokenKeys) == 0 && !parts.sealedSessions {
				orDefault(b.Logger).Warn("auth: no core.auth.web.tokenKey configured: the identity's tokens are sealed with a random key of this process; logins do not survive a restart or reach another instance (set core.auth.web.tokenKey to at least 32 random characters)")
			}
			manager = application.NewAuthManager(parts.providers(), application.Options{
				Tokens: tokens, StateLifetime: a.StateLifetime, BrokerStateLifetimes: parts.lifetimes(),
				Logger: orDefault(b.Logger), Subscribers: h.Subscribers, Sessions: userSessions(repo),
				Observer: telemetry.NewObserver(t.options()),
			})
		})
		return manager
	}))
	scoped(injector.Bind(new(web.UserSessionsController)).ToProvider(func(repo domain.SessionRepository, b *loggerBinding) *web.UserSessionsController {
		return web.NewUserSessionsController(userSessions(repo), orDefault(b.Logger))
	}))
	scoped(injector.Bind(new(web.AuthController)).ToProvider(func(m *application.AuthManager, h *authHooks, b *loggerBinding, repo domain.SessionRepository) *web.AuthController {
		return web.NewAuthController(m, web.AuthControllerOptions{
			DefaultBroker: a.DefaultBroker, PostLogoutRedirect: a.PostLogoutRedirect, BaseURL: a.BaseURL, TrustForwardedHeaders: a.TrustForwarded,
			ErrorHandler: h.ErrorHandler, AuthCodeParams: h.AuthCodeParams, CallbackURL: h.CallbackURL, Logger: orDefault(b.Logger),
			Sessions: userSessions(repo),
		})
	}))
}

// authHooks are what users may bind to extend the login: subscribers to
// login (and logout) events with injector.BindMulti(new(application.LoginSubscriber)),
// a replacement error page with injector.Bind(new(web.AuthErrorHandler)),
// extra authorization URL parameters with injector.Bind(new(web.AuthCodeParams)),
// and the callback URL of a login with injector.Bind(new(web.CallbackURLFunc)).
type authHooks struct {
	Subscribers    []application.LoginSubscriber `inject:",optional"`
	ErrorHandler   web.AuthErrorHandler          `inject:",optional"`
	AuthCodeParams web.AuthCodeParams            `inject:",optional"`
	CallbackURL    web.CallbackURLFunc           `inject:",optional"`
}

// authParts builds the brokers of one injector once.
type authParts struct {
	settings config.Auth
	startup  *startup
	// sealedSessions: the session backend seals whole sessions (cookie),
	// so tokens need no sealing of their own unless a token key is set.
	sealedSessions bool

	once    sync.Once
	brokers map[string]domain.IdentityProvider
}

// brokerFactories are the factories bound by typ.
type brokerFactories struct {
	Factories map[string]BrokerFactory `inject:",optional"`
}

func (p *authParts) build(injector *dingo.Injector) {
	p.once.Do(func() {
		ps := new(config.Problems)
		p.brokers = make(map[string]domain.IdentityProvider, len(p.settings.Brokers))
		f := new(brokerFactories)
		if v, err := injector.GetInstance(new(brokerFactories)); err == nil {
			f = v.(*brokerFactories)
		} else {
			ps.AddError("core.auth.web.broker", nil, err)
		}
		for _, b := range p.settings.Brokers {
			factory, ok := f.Factories[b.Type]
			if !ok || factory == nil {
				types := slices.Sorted(maps.Keys(f.Factories))
				ps.Add(b.Key+".typ", b.Type, "no such broker type; write "+config.Alternatives(types)+" (or bind a sessionauth.BrokerFactory under that name)")
				continue
			}
			recorded := ps.Len()
			broker, err := factory(b.ReportTo(ps))
			if err != nil {
				if ps.Len() == recorded { // else the factory said what is wrong, field by field
					ps.AddError(b.Key, b.Name, err)
				}
				continue
			}
			p.brokers[b.Name] = broker
		}
		p.startup.add(ps)
	})
}

func (p *authParts) broker(name string) domain.IdentityProvider {
	p.build(p.startup.injector)
	return p.brokers[name]
}

func (p *authParts) providers() map[string]domain.IdentityProvider {
	p.build(p.startup.injector)
	return p.brokers
}

func (p *authParts) lifetimes() map[string]time.Duration {
	out := map[string]time.Duration{}
	for _, b := range p.settings.Brokers {
		if b.StateLifetime != p.settings.StateLifetime {
			out[b.Name] = b.StateLifetime
		}
	}
	return out
}

// health reports every broker's status: alive when all are.
func (p *authParts) health() healthcheck.Status {
	return healthcheck.StatusFunc(func() (bool, string) {
		brokers := p.providers()
		if len(brokers) == 0 {
			return true, "no brokers configured"
		}
		names := slices.Sorted(maps.Keys(brokers))
		alive, details := true, make([]string, 0, len(names))
		for _, name := range names {
			up, d := brokers[name].Status()
			alive = alive && up
			details = append(details, fmt.Sprintf("%s: %s", name, d))
		}
		return alive, strings.Join(details, "; ")
	})
}

// tokens returns the sealer of the configured token keys; when none is
// configured, none for a session backend that seals whole sessions, else
// the process's (also when the keys are bad, which the start-up check
// reports).
func (p *authParts) tokens() *application.TokenSealer {
	keys := make([][]byte, len(p.settings.TokenKeys))
	for i, k := range p.settings.TokenKeys {
		keys[i] = []byte(k)
	}
	if t, err := application.NewTokenSealer(keys...); err == nil {
		return t
	}
	if len(keys) == 0 && p.sealedSessions {
		return application.UnsealedTokens()
	}
	return application.ProcessTokenSealer()
}
