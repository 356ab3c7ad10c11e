package main

import (
	_ "embed"
	"errors"
	"fmt"
	"net/http"
	"os"

	"github.com/sessionauth/sessionauth"
	"github.com/sessionauth/sessionauth/application"
	"github.com/sessionauth/sessionauth/config"
	"github.com/sessionauth/sessionauth/interfaces/web"
)

// configYAML is example/config.yml, the configuration make run runs and
// `sessionauth check` checks.
//
//go:embed config.yml
var configYAML []byte

// DevelopmentConfig is example/config.yml, run on plain http at baseURL:
// the cookie is not marked Secure, sessions live in memory
// (SESSION_BACKEND=cookie: sealed in the browser's cookies instead), and a
// fake broker "dev" logs in the users alice and bob (password "secret"). With
// OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET set, a broker "oidc"
// logs in at that OpenID provider too (its callback is
// baseURL/auth/callback/oidc).
func DevelopmentConfig(baseURL string) (map[string]any, error) {
	cfg, err := config.ParseYAML(configYAML, os.LookupEnv)
	if err != nil {
		return nil, fmt.Errorf("example/config.yml: %w", err)
	}
	web, ok := nested(cfg, "core", "auth", "web")
	if !ok {
		return nil, errors.New("example/config.yml: core.auth.web is missing")
	}
	web["baseURL"] = baseURL
	if issuer := os.Getenv("OIDC_ISSUER"); issuer != "" {
		brokers, _ := web["broker"].([]any)
		web["broker"] = append(brokers, map[string]any{
			"broker": "oidc", "typ": "oidc", "endpoint": issuer, "clientID": os.Getenv("OIDC_CLIENT_ID"),
			"clientSecret": os.Getenv("OIDC_CLIENT_SECRET"), "scopes": []any{"profile", "email"},
			"enableOfflineToken": true, "enableEndSessionEndpoint": true,
		})
	}
	if backend := os.Getenv("SESSION_BACKEND"); backend != "" {
		session, ok := nested(cfg, "flamingo", "session")
		if !ok {
			return nil, errors.New("example/config.yml: flamingo.session is missing")
		}
		session["backend"] = backend
	}
	return cfg, nil
}

// nested returns the map at the path of keys in cfg.
func nested(cfg map[string]any, keys ...string) (map[string]any, bool) {
	m := cfg
	for _, k := range keys {
		next, ok := m[k].(map[string]any)
		if !ok {
			return nil, false
		}
		m = next
	}
	return m, true
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
