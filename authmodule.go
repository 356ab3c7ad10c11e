package sessionauth

import (
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"sync"

	"flamingo.me/dingo"

	"github.com/sessionauth/sessionauth/application"
	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/interfaces/healthcheck"
	"github.com/sessionauth/sessionauth/interfaces/web"
)

// AuthModule binds the login: every broker of core.auth.web.broker as a
// domain.IdentityProvider (BindMap by name), *application.AuthManager (one
// per injector), application.UserServiceInterface, *web.AuthController and
// the "auth" health check. It depends on SessionModule.
type AuthModule struct {
	cfg *authConfig
}

// Inject receives the configuration.
func (m *AuthModule) Inject(cfg *authConfig) *AuthModule {
	m.cfg = cfg
	return m
}

// Depends makes dingo load SessionModule with AuthModule.
func (*AuthModule) Depends() []dingo.Module {
	return []dingo.Module{new(SessionModule)}
}

// Configure checks the broker configuration and binds the components.
// Brokers are built without network access: an OpenID provider that is down
// at start-up is discovered later, and the "auth" health check reports it.
func (m *AuthModule) Configure(injector *dingo.Injector) {
	if m.cfg == nil {
		panic("sessionauth: AuthModule has no configuration; load sessionauth.ConfigModule(...) with it")
	}
	s, err := m.cfg.settings()
	if err != nil {
		panic(err)
	}
	for name, broker := range s.brokers {
		injector.BindMap(new(domain.IdentityProvider), name).ToInstance(broker)
	}
	injector.Bind(new(application.UserServiceInterface)).ToInstance(new(application.UserService))
	injector.BindMap(new(healthcheck.Status), "auth").ToInstance(brokerHealth(s))
	var once sync.Once
	var manager *application.AuthManager
	injector.Bind(new(application.AuthManager)).ToProvider(func(h *authHooks) *application.AuthManager {
		once.Do(func() {
			manager = application.NewAuthManager(s.brokers, application.Options{
				StateLifetime: s.stateLifetime, BrokerStateLifetimes: s.brokerLifetimes,
				Logger: slog.Default(), Subscribers: h.Subscribers,
			})
		})
		return manager
	})
	injector.Bind(new(web.AuthController)).ToProvider(func(m *application.AuthManager, h *authHooks) *web.AuthController {
		return web.NewAuthController(m, web.AuthControllerOptions{
			DefaultBroker: s.defaultBroker, PostLogoutRedirect: s.postLogoutRedirect, BaseURL: s.baseURL,
			ErrorHandler: h.ErrorHandler, AuthCodeParams: h.AuthCodeParams, Logger: slog.Default(),
		})
	})
}

// authHooks are what users may bind to extend the login: subscribers to
// login (and logout) events with injector.BindMulti(new(application.LoginSubscriber)),
// a replacement error page with injector.Bind(new(web.AuthErrorHandler)),
// and extra authorization URL parameters with injector.Bind(new(web.AuthCodeParams)).
type authHooks struct {
	Subscribers    []application.LoginSubscriber `inject:",optional"`
	ErrorHandler   web.AuthErrorHandler          `inject:",optional"`
	AuthCodeParams web.AuthCodeParams            `inject:",optional"`
}

// brokerHealth reports every broker's status: alive when all are.
func brokerHealth(s *authSettings) healthcheck.Status {
	return healthcheck.StatusFunc(func() (bool, string) {
		if len(s.order) == 0 {
			return true, "no brokers configured"
		}
		names := append([]string(nil), s.order...)
		sort.Strings(names)
		alive, details := true, make([]string, 0, len(names))
		for _, name := range names {
			up, d := s.brokers[name].Status()
			alive = alive && up
			details = append(details, fmt.Sprintf("%s: %s", name, d))
		}
		return alive, strings.Join(details, "; ")
	})
}
