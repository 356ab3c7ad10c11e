package web

import (
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"github.com/sessionauth/sessionauth/application"
	"github.com/sessionauth/sessionauth/domain"
)

// AuthControllerOptions configure AuthController. Zero fields take their
// defaults.
type AuthControllerOptions struct {
	// DefaultBroker serves GET /auth/login; the only broker when there is
	// one.
	DefaultBroker string
	// PostLogoutRedirect is where the browser goes after logout; "/" by
	// default. A path is made absolute with BaseURL or the request's host,
	// because providers need an absolute post_logout_redirect_uri.
	PostLogoutRedirect string
	// BaseURL is the absolute URL users reach the application at, e.g.
	// https://shop.example; empty means the scheme and host of the request.
	BaseURL string
	// ErrorHandler renders failed logins; DefaultAuthErrorHandler when nil.
	ErrorHandler AuthErrorHandler
	// AuthCodeParams, when set, adds parameters to the provider's
	// authorization URL (prompt, login_hint, acr_values, ui_locales, ...).
	AuthCodeParams AuthCodeParams
	// Logger receives failed logins; slog.Default() when nil.
	Logger *slog.Logger
}

// AuthCodeParams chooses extra parameters of the authorization URL for a
// login request, for example from the request's language or query.
type AuthCodeParams interface {
	AuthCodeParams(r *http.Request, broker string) url.Values
}

// AuthController serves login, callback and logout for the brokers of an
// AuthManager, and the login form of fake brokers.
type AuthController struct {
	auth *application.AuthManager
	opts AuthControllerOptions
}

// NewAuthController returns the controller; Register adds its routes.
func NewAuthController(auth *application.AuthManager, opts AuthControllerOptions) *AuthController {
	if opts.DefaultBroker == "" {
		if names := auth.BrokerNames(); len(names) == 1 {
			opts.DefaultBroker = names[0]
		}
	}
	if opts.PostLogoutRedirect == "" {
		opts.PostLogoutRedirect = "/"
	}
	if opts.ErrorHandler == nil {
		opts.ErrorHandler = DefaultAuthErrorHandler
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	return &AuthController{auth: auth, opts: opts}
}

// Register adds the routes to mux:
//
//	GET  /auth/login              login with the default broker
//	GET  /auth/login/{broker}     login; ?redirecturl= is the path to return to
//	GET  /auth/callback/{broker}  the provider's redirect back
//	POST /auth/logout             logout (also /auth/logout/{broker})
//
// and, for each fake broker, its login form. Logout and the fake login form
// refuse cross-origin requests (http.CrossOriginProtection: Sec-Fetch-Site
// or Origin must name this site).
func (c *AuthController) Register(mux *http.ServeMux) {
	protect := http.NewCrossOriginProtection()
	mux.HandleFunc("GET /auth/login", c.login)
	mux.HandleFunc("GET /auth/login/{broker}", c.login)
	mux.HandleFunc("GET /auth/callback/{broker}", c.callback)
	mux.Handle("POST /auth/logout", protect.Handler(http.HandlerFunc(c.logout)))
	mux.Handle("POST /auth/logout/{broker}", protect.Handler(http.HandlerFunc(c.logout)))
	for _, name := range c.auth.BrokerNames() {
		b, _ := c.auth.Broker(name)
		if form, ok := b.(FakeLoginForm); ok {
			h := &fakeLogin{form: form, errors: c.opts.ErrorHandler}
			mux.Handle("GET "+form.LoginPath(), h)
			mux.Handle("POST "+form.LoginPath(), protect.Handler(h))
		}
	}
}

func (c *AuthController) session(w http.ResponseWriter, r *http.Request) *Session {
	s := SessionFromContext(r.Context())
	if s == nil {
		c.opts.Logger.ErrorContext(r.Context(), "auth controller: no session in the request; wrap the handler with SessionMiddleware")
		http.Error(w, "session middleware missing", http.StatusInternalServerError)
	}
	return s
}

func (c *AuthController) broker(r *http.Request) string {
	if b := r.PathValue("broker"); b != "" {
		return b
	}
	return c.opts.DefaultBroker
}

func (c *AuthController) login(w http.ResponseWriter, r *http.Request) {
	s := c.session(w, r)
	if s == nil {
		return
	}
	returnPath := application.SanitizeReturnPath(r.URL.Query().Get("redirecturl"))
	var params url.Values
	if c.opts.AuthCodeParams != nil {
		params = c.opts.AuthCodeParams.AuthCodeParams(r, c.broker(r))
	}
	target, err := c.auth.LoginStartWithParams(r.Context(), s, c.broker(r), returnPath, params)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

func (c *AuthController) callback(w http.ResponseWriter, r *http.Request) {
	s := c.session(w, r)
	if s == nil {
		return
	}
	returnPath, err := c.auth.Callback(r.Context(), s, c.broker(r), r.URL.Query())
	if err != nil {
		c.fail(w, r, err)
		return
	}
	http.Redirect(w, r, returnPath, http.StatusSeeOther)
}

func (c *AuthController) logout(w http.ResponseWriter, r *http.Request) {
	s := c.session(w, r)
	if s == nil {
		return
	}
	target := c.auth.Logout(r.Context(), s, r.PathValue("broker"), c.absolute(r, c.opts.PostLogoutRedirect))
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// absolute makes a path absolute with BaseURL or the request's host.
func (c *AuthController) absolute(r *http.Request, path string) string {
	if u, err := url.Parse(path); err == nil && u.IsAbs() {
		return path
	}
	base := strings.TrimSuffix(c.opts.BaseURL, "/")
	if base == "" {
		scheme := "http"
		if r.TLS != nil {
			scheme = "https"
		}
		base = scheme + "://" + r.Host
	}
	return base + path
}

func (c *AuthController) fail(w http.ResponseWriter, r *http.Request, err error) {
	level := slog.LevelWarn
	if errors.Is(err, domain.ErrProviderUnavailable) {
		level = slog.LevelError
	}
	c.opts.Logger.Log(r.Context(), level, "login failed", "broker", c.broker(r), "error", err)
	c.opts.ErrorHandler.ServeAuthError(w, r, err)
}
