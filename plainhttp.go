package sessionauth

import (
	"fmt"
	"net/http"

	"flamingo.me/dingo"

	"github.com/sessionauth/sessionauth/application"
	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/interfaces/healthcheck"
	"github.com/sessionauth/sessionauth/interfaces/web"
)

// Web is sessionauth for a plain net/http server: the session middleware,
// the login routes and the services behind them, built from one
// configuration map by New, with no dingo in sight:
//
//	sa, err := sessionauth.New(cfg)
//	http.ListenAndServe(addr, sa.Handler(mux))
type Web struct {
	// Sessions loads and saves the session of every request.
	Sessions *web.SessionMiddleware
	// Auth serves /auth/login, /auth/callback, /auth/logout,
	// /auth/backchannel for the brokers of core.auth.web.broker, and a
	// logged-in user's /auth/sessions.
	Auth *web.AuthController
	// Manager runs the logins and gives the ID token and an HTTP client
	// with the access token.
	Manager *application.AuthManager
	// Users tells who is logged in.
	Users application.UserServiceInterface
	// UserSessions lists and ends the sessions of the logged-in user (for
	// a page of your own; Auth serves them as JSON and a form).
	UserSessions *application.UserSessions
	// Repository is the session backend flamingo.session.backend names.
	Repository domain.SessionRepository
	// Health answers the health checks as JSON; mount it where you like.
	Health *healthcheck.Handler
}

// New builds Web from cfg, the configuration map ConfigModule takes
// (nested or dotted keys, see docs/config.md), with SessionModule and
// AuthModule and any modules of your own (a bound *slog.Logger,
// redis.UniversalClient, BackendFactory...). A bad configuration is one
// error listing every problem.
func New(cfg map[string]any, modules ...dingo.Module) (*Web, error) {
	injector, err := dingo.NewInjector(append([]dingo.Module{ConfigModule(cfg), new(AuthModule)}, modules...)...)
	if err != nil {
		return nil, unwrapConfig(err)
	}
	return fromInjector(injector)
}

// FromInjector takes Web's parts from an injector with SessionModule and
// AuthModule.
//
// Deprecated: use New for a plain net/http server, or Get for each
// component of an injector of your own.
func FromInjector(injector *dingo.Injector) (*Web, error) {
	return fromInjector(injector)
}

func fromInjector(injector *dingo.Injector) (*Web, error) {
	var first error
	w := &Web{
		Sessions:     keep(Get[*web.SessionMiddleware](injector))(&first),
		Auth:         keep(Get[*web.AuthController](injector))(&first),
		Manager:      keep(Get[*application.AuthManager](injector))(&first),
		Users:        keep(Get[application.UserServiceInterface](injector))(&first),
		UserSessions: keep(Get[*application.UserSessions](injector))(&first),
		Repository:   keep(Get[domain.SessionRepository](injector))(&first),
		Health:       keep(Get[*healthcheck.Handler](injector))(&first),
	}
	if first != nil {
		return nil, first
	}
	return w, nil
}

// keep returns v, recording err in *first unless an error is there.
func keep[T any](v T, err error) func(first *error) T {
	return func(first *error) T {
		if err != nil && *first == nil {
			*first = err
		}
		return v
	}
}

// Handler adds the routes of Auth (login, callback, logout, back-channel
// logout, /auth/sessions) to mux and serves it behind the session
// middleware. Call it once per mux.
func (w *Web) Handler(mux *http.ServeMux) http.Handler {
	w.Auth.Register(mux)
	return w.Sessions.Handler(mux)
}

// RequireLogin lets logged-in users through to next and sends anonymous
// ones to the login.
//
// Deprecated: use web.RequireLogin, which it calls; it is the same with
// or without New.
func (w *Web) RequireLogin(next http.Handler) http.Handler {
	return web.RequireLogin(next)
}

// Get returns the injector's instance of T, typed, and is the way to take
// a component from an injector of your own (rather than GetInstance and a
// type assertion): a pointer to a component (*web.SessionMiddleware, *application.AuthManager,
// *web.AuthController, *gorillabridge.Store) or a port
// (domain.SessionRepository, application.UserServiceInterface):
//
//	mw, err := sessionauth.Get[*web.SessionMiddleware](injector)
//
// The error is the configuration's, when it has problems.
func Get[T any](injector *dingo.Injector) (T, error) {
	var zero T
	v, err := injector.GetInstance(new(T))
	if err != nil {
		return zero, unwrapConfig(err)
	}
	t, ok := v.(T)
	if !ok {
		return zero, fmt.Errorf("sessionauth: the injector gives %T, not %T", v, zero)
	}
	return t, nil
}
