package web

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/sessionauth/sessionauth/application"
	"github.com/sessionauth/sessionauth/domain"
)

// RequireLogin lets logged-in users through to next. Anonymous GET and
// HEAD requests are sent to /auth/login with the current path and query as
// the return path (303), so the user comes back where they were; other
// anonymous requests get 401. "Logged in" is what
// application.UserService.IsLoggedIn says of the request's session; a
// request without one (not behind SessionMiddleware) is anonymous.
func RequireLogin(next http.Handler) http.Handler {
	return RequireLoginWithOptions(RequireLoginOptions{}, next)
}

// RequireLoginWith is RequireLogin with the login of the named broker.
func RequireLoginWith(broker string, next http.Handler) http.Handler {
	return RequireLoginWithOptions(RequireLoginOptions{Broker: broker}, next)
}

// RequireLoginOptions is what a route asks of the login: the broker to
// log in with, and for a step-up an authentication that is recent enough
// (MaxAge) or strong enough (ACRValues).
type RequireLoginOptions struct {
	// Broker is the broker of the login; "" means the default broker for
	// anonymous users and the broker they logged in with for a step-up.
	Broker string
	// MaxAge, when positive, is how long ago the user may have
	// authenticated at the provider (the login's auth_time), in whole
	// seconds (rounded up), at most application.MaxLoginMaxAge. An older
	// login is sent to the provider again with max_age.
	MaxAge time.Duration
	// ACRValues, when not empty, are the authentication context classes
	// that satisfy the route (the login's acr must be one of them); a
	// login without one is sent to the provider again with acr_values.
	// A value with spaces is several values; at most
	// application.MaxACRValues of visible ASCII.
	ACRValues []string
	// PromptLogin adds prompt=login to a step-up, for providers that
	// ignore max_age or keep a stronger sign-in of their own session
	// (Microsoft Entra ID, Keycloak): the provider asks for the
	// credentials again, and the callback wants an auth_time from after
	// the login started.
	PromptLogin bool
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// RequireLoginWithOptions is RequireLogin with what opts asks of the
// login. A logged-in user whose login is too old or too weak is sent, for
// GET and HEAD, to the broker's login with max_age and acr_values and the
// current path as return path (303): the callback refuses an answer of the
// provider that does not meet them, and on success replaces the session's
// identity and keeps its other keys. Other requests of such a user get
// 401.
func RequireLoginWithOptions(opts RequireLoginOptions, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		login, err := opts.Check(r)
		switch {
		case err == nil:
			next.ServeHTTP(w, r)
		case login != "":
			http.Redirect(w, r, login, http.StatusSeeOther)
		default:
			http.Error(w, LoginRequiredText(err), http.StatusUnauthorized)
		}
	})
}

// LoginRequiredText is the text of the 401 answer to a request that Check
// refused with err: "login required", or for a logged-in user whose login
// is too old or too weak "a more recent or stronger login is required".
func LoginRequiredText(err error) string {
	if errors.Is(err, domain.ErrInsufficientAuthentication) {
		return "a more recent or stronger login is required"
	}
	return "login required"
}

// requirement is what opts asks, read as the callback reads the
// parameters it sends: MaxAge in whole seconds (rounded up), ACRValues
// split at spaces. A route therefore never asks more than the callback
// checks, and a login the callback accepts passes the route.
func (opts RequireLoginOptions) requirement() domain.AuthRequirement {
	q := domain.AuthRequirement{ACRValues: strings.Fields(strings.Join(opts.ACRValues, " "))}
	if opts.MaxAge > 0 {
		q.MaxAge = (opts.MaxAge + time.Second - 1).Truncate(time.Second)
	}
	return q
}

// Check decides a request as RequireLoginWithOptions does, for routers
// that wrap handlers their own way: nil lets it through; otherwise err
// wraps domain.ErrNotLoggedIn or domain.ErrInsufficientAuthentication, and
// login is where to send a GET or HEAD (303), "" for other methods (401).
func (opts RequireLoginOptions) Check(r *http.Request) (login string, err error) {
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	q := opts.requirement()
	var users application.UserService
	broker, err := "", domain.ErrNotLoggedIn
	if s := SessionFromContext(r.Context()); s != nil {
		broker, err = users.Satisfies(r.Context(), s, q, now())
	}
	if err == nil || (r.Method != http.MethodGet && r.Method != http.MethodHead) {
		return "", err
	}
	if opts.Broker != "" {
		broker = opts.Broker
	}
	login = "/auth/login"
	if broker != "" {
		login += "/" + url.PathEscape(broker)
	}
	params := q.Params() // anonymous users too: one trip to the provider
	if opts.PromptLogin && !errors.Is(err, domain.ErrNotLoggedIn) {
		params.Set("prompt", "login")
	}
	params.Set("redirecturl", r.URL.RequestURI())
	return login + "?" + params.Encode(), err
}
