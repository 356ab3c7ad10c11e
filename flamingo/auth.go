package sessionauthflamingo

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"reflect"
	"strings"

	"flamingo.me/dingo"
	"flamingo.me/flamingo/v3/framework/web"

	"github.com/sessionauth/sessionauth"
	"github.com/sessionauth/sessionauth/application"
	"github.com/sessionauth/sessionauth/config"
	"github.com/sessionauth/sessionauth/domain"
	sessionauthweb "github.com/sessionauth/sessionauth/interfaces/web"
)

// AuthModule adds sessionauth's login to a Flamingo application: the
// routes of sessionauth's AuthController in Flamingo's router, Session for
// Flamingo controllers, and sessionauth's "auth" health check in
// Flamingo's. It loads Module (the login lives in Flamingo's session, which
// therefore must be sessionauth's: flamingo.session.backend custom) and
// sessionauth.AuthModule (the brokers of core.auth.web.broker).
type AuthModule struct {
}

// Inject receives the checks of the configuration: dingo returns their
// errors from the start-up instead of configuring the module.
func (m *AuthModule) Inject(_ *customBackend, _ *sessionauth.ConfigCheck) *AuthModule {
	return m
}

// Depends loads Module and sessionauth's AuthModule, and the check that
// Flamingo's session is sessionauth's.
func (*AuthModule) Depends() []dingo.Module {
	return []dingo.Module{new(customBackendCheck), new(Module), new(sessionauth.AuthModule)}
}

// Configure binds the filter that gives controllers their Session, the
// routes and the health check.
func (m *AuthModule) Configure(injector *dingo.Injector) {
	injector.BindMulti(new(web.Filter)).ToProvider(func(signer domain.CookieSigner) web.Filter {
		return &filter{signer: signer}
	})
	web.BindRoutes(injector, new(authRoutes))
	bindCallbackURL(injector)
	bindHealth(injector, "auth")
}

// authRoutes serves sessionauth's AuthController in Flamingo's router.
type authRoutes struct {
	controller *sessionauthweb.AuthController
	auth       *application.AuthManager
}

// Inject receives the controller and the brokers.
func (r *authRoutes) Inject(controller *sessionauthweb.AuthController, auth *application.AuthManager) *authRoutes {
	r.controller, r.auth = controller, auth
	return r
}

// Routes adds the controller's paths (see AuthController.Register) as
// sessionauth.login, sessionauth.callback, sessionauth.logout (POST, and
// GET for the page with the logout button), sessionauth.backchannel,
// sessionauth.frontchannel, sessionauth.loggedout,
// sessionauth.sessions (/auth/sessions, /auth/sessions/end) and
// sessionauth.fakelogin.<broker>; Flamingo's
// router picks the path, the controller's own mux the method.
func (r *authRoutes) Routes(registry *web.RouterRegistry) {
	mux := http.NewServeMux()
	r.controller.Register(mux)
	action := serve(mux)
	paths := map[string][]string{
		"sessionauth.login":        {"/auth/login", "/auth/login/:broker"},
		"sessionauth.callback":     {"/auth/callback/:broker"},
		"sessionauth.logout":       {"/auth/logout", "/auth/logout/:broker"},
		"sessionauth.backchannel":  {"/auth/backchannel/:broker"},
		"sessionauth.frontchannel": {"/auth/frontchannel/:broker"},
		"sessionauth.loggedout":    {"/auth/loggedout"},
		"sessionauth.sessions":     {"/auth/sessions", "/auth/sessions/end"},
	}
	for _, name := range r.auth.BrokerNames() {
		b, _ := r.auth.Broker(name)
		if form, ok := b.(sessionauthweb.FakeLoginForm); ok && strings.HasPrefix(form.LoginPath(), "/") {
			paths["sessionauth.fakelogin."+name] = []string{form.LoginPath()}
		}
	}
	for handler, list := range paths {
		for _, path := range list {
			registry.MustRoute(path, handler)
		}
		registry.HandleAny(handler, action)
	}
}

// serve runs h inside the Flamingo action, with sessionauth's view of the
// session in the request context, and copies what h changed (a login, a
// logout) to Flamingo's session as soon as h returns, so that the rest of
// the request (filters, templates) sees it in r.Session(); h's answer is
// replayed as the action's result.
func serve(h http.Handler) web.Action {
	return func(ctx context.Context, req *web.Request) web.Result {
		v := viewOf(ctx)
		w := &answer{header: make(http.Header), status: http.StatusOK}
		h.ServeHTTP(w, req.Request().WithContext(sessionauthweb.ContextWithSession(ctx, v.session())))
		if err := v.sync(); err != nil {
			slog.ErrorContext(ctx, "sessionauth flamingo: session not saved", "path", req.Request().URL.Path, "error", err)
			return &web.Response{Status: http.StatusInternalServerError, Body: strings.NewReader("the session could not be saved\n")}
		}
		return &web.Response{Status: uint(w.status), Header: w.header, Body: bytes.NewReader(w.body.Bytes())}
	}
}

// answer records a handler's response.
type answer struct {
	header http.Header
	status int
	body   bytes.Buffer
	wrote  bool
}

func (a *answer) Header() http.Header { return a.header }

func (a *answer) WriteHeader(status int) {
	if !a.wrote {
		a.status, a.wrote = status, true
	}
}

func (a *answer) Write(b []byte) (int, error) {
	a.WriteHeader(http.StatusOK)
	return a.body.Write(b)
}

// customBackend is what AuthModule's Inject asks for: resolving it fails,
// in customBackendScope, when flamingo.session.backend is not custom.
type customBackend struct{}

// customBackendCheck binds customBackend in its scope.
type customBackendCheck struct{}

// Configure binds the check.
func (*customBackendCheck) Configure(injector *dingo.Injector) {
	injector.BindScope(&customBackendScope{injector: injector})
	injector.Bind(new(customBackend)).ToInstance(new(customBackend)).In(new(customBackendScope))
}

// customBackendScope resolves customBackend only when Flamingo's session
// backend is custom (sessionauth's), and else returns the configuration
// error that says so, which Flamingo's start-up returns.
type customBackendScope struct{ injector *dingo.Injector }

// ResolveType implements dingo.Scope.
func (s *customBackendScope) ResolveType(t reflect.Type, annotation string, unscoped func(reflect.Type, string, bool) (reflect.Value, error)) (reflect.Value, error) {
	backend, err := s.injector.GetAnnotatedInstance(new(string), "config:flamingo.session.backend")
	if err != nil {
		return reflect.Value{}, err
	}
	if b, _ := backend.(string); b != "custom" {
		return reflect.Value{}, &config.Error{Problems: []config.Problem{{
			Key: "flamingo.session.backend", Value: fmt.Sprintf("%q", b),
			Message: "sessionauth's login in Flamingo keeps its state in Flamingo's session, so set it to custom " +
				"(and flamingo.session.repository to memory, file or redis)",
		}}}
	}
	return unscoped(t, annotation, false)
}
