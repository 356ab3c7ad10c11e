// Package sessionauthflamingo puts sessionauth into Flamingo applications:
// Flamingo's own sessions (*web.Session, its controllers and filters) are
// stored in sessionauth's repositories, with the signed cookie and without
// lost updates, and sessionauth's health checks appear in Flamingo's.
//
//	flamingo.App([]dingo.Module{
//		new(sessionauthflamingo.Module),   // before flamingo.SessionModule
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
	"flamingo.me/flamingo/v3/framework/config"
	"flamingo.me/flamingo/v3/framework/flamingo"
	"github.com/gorilla/sessions"

	"github.com/sessionauth/sessionauth"
	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/infrastructure"
	"github.com/sessionauth/sessionauth/interfaces/healthcheck"
)

// Module binds sessionauth's repository as Flamingo's custom session
// backend and sessionauth's "session" health check into Flamingo's. List it
// before flamingo.SessionModule, which looks for the backend when it is
// injected. It loads sessionauth.SessionModule.
type Module struct{}

// Depends loads sessionauth's SessionModule first.
func (*Module) Depends() []dingo.Module {
	return []dingo.Module{new(sessionauth.SessionModule)}
}

// Configure binds the backend, the health check and the list-valued keys.
func (*Module) Configure(injector *dingo.Injector) {
	injector.Bind(new(flamingo.CustomSessionBackend)).ToProvider(func(store *infrastructure.GorillaStore) flamingo.CustomSessionBackend {
		return backend{store: store}
	})
	injector.BindMap(new(fhealth.Status), "session").ToProvider(func(repo domain.SessionRepository) fhealth.Status {
		if st, ok := repo.(healthcheck.Status); ok {
			return st
		}
		return healthcheck.StatusFunc(func() (bool, string) { return true, "no health check for this repository" })
	})
	bindLists(injector)
}

// backend is Flamingo's CustomSessionBackend on sessionauth's repository.
type backend struct{ store *infrastructure.GorillaStore }

// SessionStore returns the gorilla store over sessionauth's repository.
func (b backend) SessionStore() sessions.Store { return b.store }

// previousSecrets is the list-valued session key as Flamingo binds it.
type previousSecrets struct {
	Secrets config.Slice `inject:"config:flamingo.session.previousSecrets,optional"`
}

// bindLists makes the list-valued keys, which Flamingo binds as
// config.Slice, available as the []interface{} sessionauth's modules
// inject.
func bindLists(injector *dingo.Injector) {
	injector.Bind(new([]interface{})).AnnotatedWith("config:flamingo.session.previousSecrets").
		ToProvider(func(c *previousSecrets) []interface{} { return c.Secrets })
}
