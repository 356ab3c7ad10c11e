package sessionauthflamingo

import (
	"net/http"

	"flamingo.me/dingo"
	"flamingo.me/flamingo/v3/framework/web"

	sessionauthweb "github.com/sessionauth/sessionauth/interfaces/web"
)

// bindCallbackURL makes login callback URLs with Flamingo's reverse
// router, as Flamingo's own auth module does: the absolute URL of the
// sessionauth.callback route, so flamingo.router.scheme, host and path
// apply. A broker's redirectURL and core.auth.web.baseURL still win.
func bindCallbackURL(injector *dingo.Injector) {
	injector.Bind(new(sessionauthweb.CallbackURLFunc)).ToProvider(func(router *web.Router) sessionauthweb.CallbackURLFunc {
		return func(r *http.Request, broker string) string {
			u, err := router.Absolute(web.CreateRequest(r, nil), "sessionauth.callback", map[string]string{"broker": broker})
			if err != nil {
				return ""
			}
			return u.String()
		}
	})
}
