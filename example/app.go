package main

import (
	"net/http"
	"os"

	"github.com/sessionauth/sessionauth"
	"github.com/sessionauth/sessionauth/application"
	"github.com/sessionauth/sessionauth/interfaces/web"
)

// DevelopmentConfig runs on plain http at baseURL: the cookie is not marked
// Secure, sessions live in memory (SESSION_BACKEND=cookie: sealed in the
// browser's cookies instead), and a fake broker "dev" logs in the
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
		})
	}
	backend := os.Getenv("SESSION_BACKEND")
	if backend == "" {
		backend = "memory"
	}
	return map[string]any{
		"flamingo.session.backend":       backend,
		"flamingo.session.cookie.secure": false,
		"flamingo.session.secret":        "example-only-secret-replace-with-32-random-bytes",
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
	sa, err := sessionauth.New(cfg)
	if err != nil {
		return nil, err
	}
	a := &app{auth: sa.Manager, users: sa.Users}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", a.home)
	// The example's own forms refuse cross-site POSTs, as logout does.
	csrf := http.NewCrossOriginProtection()
	mux.Handle("POST /values", csrf.Handler(http.HandlerFunc(setValue)))
	mux.Handle("POST /flash", csrf.Handler(http.HandlerFunc(addFlash)))
	mux.Handle("GET /account", web.RequireLogin(http.HandlerFunc(a.account)))
	mux.HandleFunc("GET /api/profile", a.profile)
	mux.Handle("GET /health", sa.Health)
	p := &sessionsPage{app: a, sessions: sa.UserSessions}
	mux.Handle("GET /sessions", web.RequireLogin(http.HandlerFunc(p.serve)))
	return sa.Handler(mux), nil // adds /auth/login, /auth/logout, /auth/sessions…
}
