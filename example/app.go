package main

import (
	"net/http"
	"os"

	"flamingo.me/dingo"

	"github.com/sessionauth/sessionauth"
	"github.com/sessionauth/sessionauth/application"
	"github.com/sessionauth/sessionauth/interfaces/healthcheck"
	"github.com/sessionauth/sessionauth/interfaces/web"
)

// DevelopmentConfig runs on plain http at baseURL: the cookie is not marked
// Secure, sessions live in memory, and a fake broker "dev" logs in the
// users alice and bob (password "secret"). With OIDC_ISSUER,
// OIDC_CLIENT_ID and OIDC_CLIENT_SECRET set, a broker "oidc" logs in at
// that OpenID provider too (its callback is baseURL/auth/callback/oidc).
func DevelopmentConfig(baseURL string) map[string]any {
	brokers := []any{map[string]any{
		"broker": "dev", "typ": "fake", "users": []any{
			map[string]any{"username": "alice", "password": "secret", "name": "Alice Example", "email": "alice@example.test", "groups": []any{"admins"}},
			map[string]any{"username": "bob", "password": "secret", "name": "Bob Example", "email": "bob@example.test"},
		},
	}}
	if issuer := os.Getenv("OIDC_ISSUER"); issuer != "" {
		brokers = append(brokers, map[string]any{
			"broker": "oidc", "typ": "oidc", "endpoint": issuer, "clientID": os.Getenv("OIDC_CLIENT_ID"),
			"clientSecret": os.Getenv("OIDC_CLIENT_SECRET"), "scopes": []any{"profile", "email"},
			"enableOfflineToken": true, "enableEndSessionEndpoint": true,
			"claims": map[string]any{"userInfo": map[string]any{"name": "name", "email": "email"}},
		})
	}
	return map[string]any{
		"flamingo.session.backend":       "memory",
		"flamingo.session.cookie.secure": false,
		"flamingo.session.secret":        "example-only-secret-change-me",
		"core.auth.web.broker":           brokers,
		"core.auth.web.baseURL":          baseURL,
		"core.auth.web.defaultBroker":    "dev",
	}
}

// app holds what the handlers use.
type app struct {
	auth  *application.AuthManager
	users application.UserServiceInterface
}

// NewApp builds the application's handler from cfg.
func NewApp(cfg map[string]any) (http.Handler, error) {
	injector, err := dingo.NewInjector(sessionauth.ConfigModule(cfg), new(sessionauth.AuthModule))
	if err != nil {
		return nil, err
	}
	var parts struct {
		mw     *web.SessionMiddleware
		ctrl   *web.AuthController
		auth   *application.AuthManager
		users  application.UserServiceInterface
		health *healthcheck.Handler
	}
	if err := injector.RequestInjection(&injected{&parts.mw, &parts.ctrl, &parts.auth, &parts.users, &parts.health}); err != nil {
		return nil, err
	}
	a := &app{auth: parts.auth, users: parts.users}
	mux := http.NewServeMux()
	parts.ctrl.Register(mux)
	mux.HandleFunc("GET /{$}", a.home)
	// The example's own forms refuse cross-site POSTs, as logout does.
	csrf := http.NewCrossOriginProtection()
	mux.Handle("POST /values", csrf.Handler(http.HandlerFunc(setValue)))
	mux.Handle("POST /flash", csrf.Handler(http.HandlerFunc(addFlash)))
	mux.Handle("GET /account", web.RequireLogin(http.HandlerFunc(a.account)))
	mux.HandleFunc("GET /api/profile", a.profile)
	mux.Handle("GET /health", parts.health)
	if err := registerSessions(injector, mux, a); err != nil {
		return nil, err
	}
	return parts.mw.Handler(mux), nil
}

// injected receives the components from the injector.
type injected struct {
	mw     **web.SessionMiddleware
	ctrl   **web.AuthController
	auth   **application.AuthManager
	users  *application.UserServiceInterface
	health **healthcheck.Handler
}

// Inject is called by the injector.
func (i *injected) Inject(mw *web.SessionMiddleware, ctrl *web.AuthController, auth *application.AuthManager,
	users application.UserServiceInterface, health *healthcheck.Handler) *injected {
	*i.mw, *i.ctrl, *i.auth, *i.users, *i.health = mw, ctrl, auth, users, health
	return i
}
