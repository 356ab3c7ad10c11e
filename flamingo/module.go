// Package sessionauthflamingo puts sessionauth into Flamingo v3
// applications. Module stores Flamingo's own sessions (*web.Session, its
// controllers and filters) in sessionauth's repositories, with the signed
// cookie and without lost updates; AuthModule adds sessionauth's login to
// Flamingo's router and gives Flamingo controllers sessionauth's view of the
// request's session (Session). ConfigModule alone lets sessionauth's modules
// read the list-valued keys from Flamingo's configuration.
//
//	flamingo.App([]dingo.Module{
//		new(sessionauthflamingo.AuthModule), // or Module; before flamingo.SessionModule
//		new(flamingo.SessionModule),
//		new(healthcheck.Module),
//	})
//
// with the configuration
//
//	flamingo.session.backend: custom      # Flamingo uses the custom backend ...
//	flamingo.session.repository: redis    # ... which is sessionauth's Redis repository
package sessionauthflamingo

import (
	"flamingo.me/dingo"
	fhealth "flamingo.me/flamingo/v3/core/healthcheck/domain/healthcheck"
	"flamingo.me/flamingo/v3/framework/flamingo"
	"github.com/gorilla/sessions"

	"github.com/sessionauth/sessionauth"
	"github.com/sessionauth/sessionauth/infrastructure/gorillabridge"
	"github.com/sessionauth/sessionauth/interfaces/healthcheck"
)

// Module binds sessionauth's repository as Flamingo's custom session
// backend and sessionauth's "session" health check into Flamingo's. List it
// before flamingo.SessionModule, which looks for the backend when it is
// injected. It loads sessionauth.SessionModule and ConfigModule.
type Module struct {
	healthcheck bool
}

// Inject receives whether the session health check is wanted, and the
// configuration check of sessionauth's modules, so that a bad configuration
// stops Flamingo's start with an error that lists every problem.
func (m *Module) Inject(cfg *struct {
	Healthcheck bool `inject:"config:flamingo.session.healthcheck,optional"`
}, _ *sessionauth.ConfigCheck) *Module {
	m.healthcheck = cfg.Healthcheck
	return m
}

// Depends loads the configuration bridge and sessionauth's SessionModule.
func (*Module) Depends() []dingo.Module {
	return []dingo.Module{new(ConfigModule), new(sessionauth.SessionModule)}
}

// Configure binds the backend and the health check.
func (m *Module) Configure(injector *dingo.Injector) {
	injector.Bind(new(flamingo.CustomSessionBackend)).ToProvider(func(store *gorillabridge.Store) flamingo.CustomSessionBackend {
		return backend{store: &Store{Store: store}}
	})
	if m.healthcheck {
		bindHealth(injector, "session")
	}
}

// backend is Flamingo's CustomSessionBackend on sessionauth's repository.
type backend struct{ store *Store }

// SessionStore returns the gorilla store over sessionauth's repository.
func (b backend) SessionStore() sessions.Store { return b.store }

// healthchecks are sessionauth's checks as its modules bind them.
type healthchecks struct {
	Checks map[string]healthcheck.Status `inject:",optional"`
}

// bindHealth makes sessionauth's check called name one of Flamingo's
// checks: both interfaces have the same method.
func bindHealth(injector *dingo.Injector, name string) {
	injector.BindMap(new(fhealth.Status), name).ToProvider(func(h *healthchecks) fhealth.Status {
		if st, ok := h.Checks[name]; ok {
			return st
		}
		return healthcheck.StatusFunc(func() (bool, string) { return true, "sessionauth binds no " + name + " check here" })
	})
}
