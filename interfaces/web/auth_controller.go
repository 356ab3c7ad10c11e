package web

import (
	"fmt"
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
	// DefaultBroker serves GET /auth/login (and so RequireLogin); the only
	// broker when there is one. With several brokers and none chosen,
	// GET /auth/login lists them.
	DefaultBroker string
	// PostLogoutRedirect is where the browser ends up after logout; "/" by
	// default. The provider's end-session endpoint gets it as an absolute
	// post_logout_redirect_uri, made with BaseURL.
	PostLogoutRedirect string
	// BaseURL is the absolute URL users reach the application at, e.g.
	// https://shop.example. Empty means the scheme and host of the request
	// (see TrustForwardedHeaders); callback URLs of brokers without a
	// configured redirect URL are made from it.
	BaseURL string
	// TrustForwardedHeaders makes the request's X-Forwarded-Proto and
	// X-Forwarded-Host count when BaseURL is empty; turn it on only behind
	// a proxy that sets them (core.auth.web.trustForwardedHeaders).
	TrustForwardedHeaders bool
	// CallbackURL, when set and not returning "", makes the absolute
	// callback URL of broker for a login request (Flamingo's reverse
	// router); BaseURL and the request are not asked then.
	CallbackURL CallbackURLFunc
	// ErrorHandler renders failed logins; AuthErrorPage when nil.
	ErrorHandler AuthErrorHandler
	// AuthCodeParams, when set, adds parameters to the provider's
	// authorization URL (prompt, login_hint, acr_values, ui_locales, ...).
	AuthCodeParams AuthCodeParams
	// Logger receives failed logins; slog.Default() when nil.
	Logger *slog.Logger
	// Sessions, when set, makes Register serve a logged-in user's
	// sessions too (GET /auth/sessions, POST /auth/sessions/end; see
	// UserSessionsController). AuthModule sets it.
	Sessions *application.UserSessions
}

// CallbackURLFunc makes the absolute callback URL of broker for a login
// request; "" leaves it to BaseURL and the request.
type CallbackURLFunc func(r *http.Request, broker string) string

// AuthCodeParams chooses extra parameters of the authorization URL for a
// login request, for example from the request's language or query.
type AuthCodeParams interface {
	AuthCodeParams(r *http.Request, broker string) url.Values
}

// AuthController serves login, callback and logout for the brokers of an
// AuthManager, and the login form of fake brokers. Its handlers need the
// request's session: serve the mux behind SessionMiddleware.
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
		opts.ErrorHandler = AuthErrorPage
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	return &AuthController{auth: auth, opts: opts}
}

// Register adds the routes to mux:
//
//	GET  /auth/login              login with the default broker (or a list of brokers)
//	GET  /auth/login/{broker}     login; ?redirecturl= is the path to return to,
//	                              ?prompt=login|none, ?max_age=, ?acr_values= go to the provider
//	GET  /auth/callback/{broker}  the provider's redirect back
//	POST /auth/callback/{broker}  the same, with response_mode=form_post
//	POST /auth/logout             logout (also /auth/logout/{broker})
//	GET  /auth/logout             a page whose button POSTs the logout (also /auth/logout/{broker})
//	POST /auth/backchannel/{broker}  OpenID Connect Back-Channel Logout (from the provider)
//	GET  /auth/frontchannel/{broker} OpenID Connect Front-Channel Logout (in the provider's iframe)
//	GET  /auth/loggedout          the provider's return from an RP-initiated logout with a state
//
// for each broker that has a FakeLoginForm, GET and POST of its
// LoginPath, and, with AuthControllerOptions.Sessions, the routes of
// UserSessionsController. A HEAD of a login answers 200 and starts no
// login. Logout, the fake login form and ending sessions refuse
// cross-origin requests with Go's http.CrossOriginProtection: a browser
// request passes when its Sec-Fetch-Site header is same-origin or none,
// or, without that header, when its Origin names the request's host;
// requests without either header (not from a browser) pass too. A refused
// request is logged at INFO with its origin and answered 403 by the error
// handler (domain.ErrCrossOrigin).
func (c *AuthController) Register(mux *http.ServeMux) {
	protect := refuseCrossOrigin(c.opts.Logger, c.opts.ErrorHandler)
	mux.HandleFunc("GET /auth/login", c.login)
	mux.HandleFunc("GET /auth/login/{broker}", c.login)
	mux.HandleFunc("GET /auth/callback/{broker}", c.callback)
	mux.HandleFunc("POST /auth/callback/{broker}", c.formPostCallback)
	mux.HandleFunc("POST /auth/backchannel/{broker}", c.backChannel)
	mux.HandleFunc("GET /auth/frontchannel/{broker}", c.frontChannel)
	mux.HandleFunc("GET "+loggedOutPath, c.loggedOut)
	mux.Handle("POST /auth/logout", protect.Handler(http.HandlerFunc(c.logout)))
	mux.Handle("POST /auth/logout/{broker}", protect.Handler(http.HandlerFunc(c.logout)))
	mux.HandleFunc("GET /auth/logout", c.logoutPage)
	mux.HandleFunc("GET /auth/logout/{broker}", c.logoutPage)
	if c.opts.Sessions != nil {
		(&UserSessionsController{sessions: c.opts.Sessions, log: c.opts.Logger, pages: c.opts.ErrorHandler}).Register(mux)
	}
	for _, name := range c.auth.BrokerNames() {
		b, _ := c.auth.Broker(name)
		form, ok := b.(FakeLoginForm)
		if !ok {
			continue
		}
		if !strings.HasPrefix(form.LoginPath(), "/") {
			c.opts.Logger.Error("auth controller: fake login form not served: its path must start with /", "broker", name, "path", form.LoginPath())
			continue
		}
		h := &fakeLogin{form: form}
		mux.Handle("GET "+form.LoginPath(), h)
		mux.Handle("POST "+form.LoginPath(), protect.Handler(h))
	}
}

// session returns the request's session, or answers 500 when the
// controller does not run behind SessionMiddleware.
func (c *AuthController) session(w http.ResponseWriter, r *http.Request) *Session {
	s := SessionFromContext(r.Context())
	if s == nil {
		c.opts.Logger.ErrorContext(r.Context(), "auth controller: no session in the request; serve it behind SessionMiddleware", "path", r.URL.Path)
		http.Error(w, "session middleware missing", http.StatusInternalServerError)
		return nil
	}
	w.Header().Set("Cache-Control", "no-store") // logins are one-off answers
	return s
}

func (c *AuthController) broker(r *http.Request) string {
	if b := r.PathValue("broker"); b != "" {
		return b
	}
	return c.opts.DefaultBroker
}

func (c *AuthController) login(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodHead {
		c.head(w, r)
		return
	}
	s := c.session(w, r)
	if s == nil {
		return
	}
	broker := c.broker(r)
	returnPath := application.SanitizeReturnPath(r.URL.Query().Get("redirecturl"))
	asked, err := application.LoginQueryParams(r.URL.Query())
	if err != nil {
		c.fail(w, r, fmt.Errorf("auth controller: login of %q: %w", broker, err))
		return
	}
	if broker == "" && len(c.auth.BrokerNames()) > 1 {
		c.chooseBroker(w, returnPath, asked)
		return
	}
	params := c.loginParams(r, broker, asked)
	ctx := domain.ContextWithCallbackURL(r.Context(), c.callbackURL(r, broker))
	target, err := c.auth.LoginStartWithParams(ctx, s, broker, returnPath, params)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// loginParams are the authorization parameters of a login request: those
// of AuthCodeParams, and over them asked, the prompt, max_age and
// acr_values of the request's query (application.LoginQueryParams).
func (c *AuthController) loginParams(r *http.Request, broker string, asked url.Values) url.Values {
	params := url.Values{}
	if c.opts.AuthCodeParams != nil {
		for k, v := range c.opts.AuthCodeParams.AuthCodeParams(r, broker) {
			params[k] = v
		}
	}
	for k, v := range asked {
		params[k] = v
	}
	if len(params) == 0 {
		return nil
	}
	return params
}

// head answers a HEAD of a login or a callback (a link checker, a
// previewer, a mail scanner): 200, or 404 for an unknown broker, and
// nothing stored or spent, since a HEAD never follows the redirect to the
// provider and must not redeem a callback's one-time code.
func (c *AuthController) head(w http.ResponseWriter, r *http.Request) {
	if broker := r.PathValue("broker"); broker != "" {
		if _, ok := c.auth.Broker(broker); !ok {
			c.fail(w, r, fmt.Errorf("auth controller: login of %q: %w", broker, domain.ErrUnknownBroker))
			return
		}
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusOK)
}

func (c *AuthController) callback(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodHead {
		c.head(w, r) // a scanner's HEAD must not spend the one-time code
		return
	}
	s := c.session(w, r)
	if s == nil {
		return
	}
	returnPath, err := c.auth.Callback(r.Context(), s, c.broker(r), r.URL.Query())
	if err != nil {
		c.fail(w, r, err)
		return
	}
	application.SetSessionMetadata(s, "userAgent", r.UserAgent())
	http.Redirect(w, r, returnPath, http.StatusSeeOther)
}

// logout destroys the session and redirects to the provider's end-session
// endpoint, or to PostLogoutRedirect as configured (not made absolute, so
// a proxy's scheme cannot be lost on the way).
func (c *AuthController) logout(w http.ResponseWriter, r *http.Request) {
	s := c.session(w, r)
	if s == nil {
		return
	}
	broker := r.PathValue("broker")
	if _, ok := c.auth.Broker(broker); broker != "" && !ok {
		c.fail(w, r, fmt.Errorf("auth controller: logout of %q: %w", broker, domain.ErrUnknownBroker))
		return
	}
	back := c.absolute(r, c.opts.PostLogoutRedirect)
	ret := c.absolute(r, loggedOutPath)
	res := c.auth.LogoutWith(r.Context(), s, broker, application.LogoutRequest{PostLogoutRedirect: back, StateReturnURL: ret})
	target := res.URL
	if target == back {
		target = c.opts.PostLogoutRedirect
	}
	if res.State != "" {
		setLogoutState(w, ret, res.State)
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// absolute makes a path absolute with BaseURL or the request's host.
func (c *AuthController) absolute(r *http.Request, path string) string {
	if u, err := url.Parse(path); err == nil && u.IsAbs() {
		return path
	}
	return c.base(r) + path
}

// fail logs err and hands it to the error handler.
func (c *AuthController) fail(w http.ResponseWriter, r *http.Request, err error) {
	status := AuthErrorStatus(err)
	level := slog.LevelWarn
	if status == http.StatusBadGateway {
		level = slog.LevelError
	}
	c.opts.Logger.Log(r.Context(), level, "auth controller: request failed", "path", r.URL.Path, "broker", c.broker(r), "status", status, "error", err)
	c.opts.ErrorHandler.ServeAuthError(w, r, err)
}
