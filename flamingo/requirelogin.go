package sessionauthflamingo

import (
	"context"
	"net/http"
	"strings"

	"flamingo.me/flamingo/v3/framework/web"

	sessionauthweb "github.com/sessionauth/sessionauth/interfaces/web"
)

// RequireLogin wraps a Flamingo controller action so that only logged-in
// users reach it, with what opts asks of their login, as
// sessionauthweb.RequireLoginWithOptions does for net/http handlers:
//
//	registry.HandleGet("account.security", sessionauthflamingo.RequireLogin(
//		sessionauthweb.RequireLoginOptions{MaxAge: 5 * time.Minute}, c.Security))
//
// Anonymous GET and HEAD requests, and those of users whose login is too
// old (MaxAge) or too weak (ACRValues), are sent to sessionauth's login
// (303) with max_age and acr_values and the current path to return to;
// other requests get 401. Like Session, it needs AuthModule.
func RequireLogin(opts sessionauthweb.RequireLoginOptions, action web.Action) web.Action {
	return func(ctx context.Context, req *web.Request) web.Result {
		r := req.Request().WithContext(sessionauthweb.ContextWithSession(ctx, Session(ctx)))
		login, err := opts.Check(r)
		switch {
		case err == nil:
			return action(ctx, req)
		case login == "":
			return &web.Response{Status: http.StatusUnauthorized, Header: http.Header{"Content-Type": {"text/plain; charset=utf-8"}},
				Body: strings.NewReader(sessionauthweb.LoginRequiredText(err) + "\n")}
		}
		return &web.Response{Status: http.StatusSeeOther, Header: http.Header{"Location": {login}, "Cache-Control": {"no-store"}}}
	}
}
