package sessionauthflamingo_test

// The controller of the seeds' documentation ("Flamingo Sessions",
// Authentication) in a Flamingo controller over sessionauth. Differences
// to the seeds, as docs/flamingo.md shows: the import of sessionauth's
// application package and of sessionauthflamingo; Get takes sessionauth's
// view of the request's session (Flamingo injects no per-request session
// through Inject) and passes it where the seeds pass c.session; the
// seeds' elided parts ("// ...") are filled in so that the variables are
// used and Get returns a result.

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"flamingo.me/flamingo/v3/framework/web"

	"github.com/sessionauth/sessionauth/application"
	sessionauthflamingo "github.com/sessionauth/sessionauth/flamingo"
)

type Controller struct {
	authManager *application.AuthManager
	userService application.UserServiceInterface
	session     *web.Session
}

// Inject dependencies
func (c *Controller) Inject(
	authManager *application.AuthManager,
	userService application.UserServiceInterface,
	session *web.Session,
) *Controller {
	c.authManager = authManager
	c.userService = userService
	c.session = session

	return c
}

func (c *Controller) Get(ctx context.Context, r *web.Request) web.Result {
	session := sessionauthflamingo.Session(ctx)
	token, err := c.authManager.IDToken(ctx, session)
	if err != nil {
		login := &url.URL{Path: "/auth/login", RawQuery: url.Values{"redirecturl": {r.Request().URL.Path}}.Encode()}
		return &web.URLRedirectResponse{URL: login, Response: web.Response{Status: http.StatusSeeOther, Header: http.Header{}}}
	}
	user := c.userService.GetUser(ctx, session)

	/*
	 * client is of type http.Client, and provides
	 * a basic http client functionality.
	 * If the context belongs to a logged in user
	 * then all requests done via this client will have
	 * automatically the current OAuth2 Access Token assigned
	 */
	client, err := c.authManager.HTTPClient(ctx, session)
	if err != nil {
		return &web.Response{Status: http.StatusBadGateway, Body: strings.NewReader(err.Error())}
	}
	return &web.Response{Status: http.StatusOK, Body: strings.NewReader(fmt.Sprintf("%s %s <%s> %T", token.Subject, user.Name, user.Email, client.Transport))}
}

// seedsRoutes serve the seeds' controller at /profile.
type seedsRoutes struct{ controller *Controller }

func (r *seedsRoutes) Inject(c *Controller) *seedsRoutes {
	r.controller = c
	return r
}

func (r *seedsRoutes) Routes(registry *web.RouterRegistry) {
	registry.MustRoute("/profile", "profile")
	registry.HandleGet("profile", r.controller.Get)
}
