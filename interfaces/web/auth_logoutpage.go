package web

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"

	"github.com/sessionauth/sessionauth/domain"
)

// logoutPage answers GET /auth/logout and GET /auth/logout/{broker} (a
// link a user followed) with a page whose button POSTs the logout. A GET
// logs nobody out: a link preview, a prefetch or a crawler must not end a
// session, and another site must not either.
func (c *AuthController) logoutPage(w http.ResponseWriter, r *http.Request) {
	action := "/auth/logout"
	if broker := r.PathValue("broker"); broker != "" {
		if _, ok := c.auth.Broker(broker); !ok {
			c.fail(w, r, fmt.Errorf("auth controller: logout page of %q: %w", broker, domain.ErrUnknownBroker))
			return
		}
		action += "/" + url.PathEscape(broker)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_ = logoutTemplate.Execute(w, action)
}

var logoutTemplate = template.Must(template.New("logout").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Log out</title><style>` + PageStyle + `</style></head>
<body><main class="page"><div class="card"><h1>Log out</h1><p>Log out of this site?</p>
<form method="post" action="{{.}}"><button class="button" id="logout" type="submit">Log out</button> <a href="/">Cancel</a></form>
</div></main></body></html>`))
