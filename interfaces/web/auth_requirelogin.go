package web

import (
	"net/http"
	"net/url"

	"github.com/sessionauth/sessionauth/application"
)

// RequireLogin lets logged-in users through to next. Anonymous GET and
// HEAD requests are sent to /auth/login with the current path and query as
// the return path (303), so the user comes back where they were; other
// anonymous requests get 401. "Logged in" is what
// application.UserService.IsLoggedIn says of the request's session; a
// request without one (not behind SessionMiddleware) is anonymous.
func RequireLogin(next http.Handler) http.Handler {
	return RequireLoginWith("", next)
}

// RequireLoginWith is RequireLogin with the login of the named broker.
func RequireLoginWith(broker string, next http.Handler) http.Handler {
	login := "/auth/login"
	if broker != "" {
		login += "/" + url.PathEscape(broker)
	}
	var users application.UserService
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := SessionFromContext(r.Context())
		if s != nil && users.IsLoggedIn(r.Context(), s) {
			next.ServeHTTP(w, r)
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			http.Error(w, "login required", http.StatusUnauthorized)
			return
		}
		http.Redirect(w, r, login+"?redirecturl="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
	})
}
