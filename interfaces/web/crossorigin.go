package web

import (
	"fmt"
	"log/slog"
	"net/http"

	"github.com/sessionauth/sessionauth/domain"
)

// maxLoggedOrigin bounds the Origin header in a log line; the header is
// the client's to choose.
const maxLoggedOrigin = 200

// refuseCrossOrigin returns Go's http.CrossOriginProtection for the
// requests that change a session (logout, the fake login form, ending
// sessions). A refused request is logged once at INFO with its origin and
// answered by pages with domain.ErrCrossOrigin: 403 and, with
// AuthErrorPage, the styled error page.
func refuseCrossOrigin(log *slog.Logger, pages AuthErrorHandler) *http.CrossOriginProtection {
	p := http.NewCrossOriginProtection()
	p.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		if len(origin) > maxLoggedOrigin {
			origin = origin[:maxLoggedOrigin] + "…"
		}
		log.InfoContext(r.Context(), "cross-origin request refused", "method", r.Method, "path", r.URL.Path,
			"origin", origin, "secFetchSite", r.Header.Get("Sec-Fetch-Site"))
		pages.ServeAuthError(w, r, fmt.Errorf("%s %s from origin %q: %w", r.Method, r.URL.Path, origin, domain.ErrCrossOrigin))
	}))
	return p
}
