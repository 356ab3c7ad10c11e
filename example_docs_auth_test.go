package sessionauth_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"time"

	"flamingo.me/dingo"

	"github.com/sessionauth/sessionauth"
	"github.com/sessionauth/sessionauth/application"
	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/interfaces/web"
)

// The snippets of docs/auth.md. Those that need a reachable OpenID
// provider or a logged-in user are compiled, not run.

func Example_authSetup() {
	cfg := map[string]any{"core.auth.web.broker": []any{map[string]any{
		"broker": "corp", "typ": "oidc", "endpoint": "https://login.example", "clientID": "shop",
	}}}
	accountHandler := http.NotFoundHandler()
	// snippet auth-setup
	sa, err := sessionauth.New(cfg)
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /account", web.RequireLogin(accountHandler))
	// sa.Handler adds /auth/login, /auth/callback, /auth/logout, /auth/loggedout, /auth/backchannel, /auth/frontchannel, /auth/sessions
	http.ListenAndServe(":8080", sa.Handler(mux))
	// snippet end
}

func Example_authStepUp() {
	var mux *http.ServeMux
	var payoutsHandler, securityHandler http.Handler
	// snippet auth-stepup
	// a login at most five minutes old, and a second factor (Okta's acr values)
	mux.Handle("GET /account/payouts", web.RequireLoginWithOptions(web.RequireLoginOptions{
		MaxAge:    5 * time.Minute,
		ACRValues: []string{"urn:okta:loa:2fa:any", "phrh"},
	}, payoutsHandler))
	// a login of the last quarter hour, however strong
	mux.Handle("GET /account/security", web.RequireLoginWithOptions(web.RequireLoginOptions{MaxAge: 15 * time.Minute}, securityHandler))
	// snippet end
}

func Example_authSetupDingo() {
	cfg := map[string]any{"core.auth.web.broker": []any{map[string]any{
		"broker": "corp", "typ": "oidc", "endpoint": "https://login.example", "clientID": "shop",
	}}}
	var mux *http.ServeMux
	// snippet auth-setup-dingo
	injector, err := dingo.NewInjector(sessionauth.ConfigModule(cfg), new(sessionauth.AuthModule))
	if err != nil {
		log.Fatal(err)
	}
	ctrl, err := sessionauth.Get[*web.AuthController](injector)
	if err != nil {
		log.Fatal(err)
	}
	ctrl.Register(mux) // the same routes as sa.Handler
	// snippet end
}

func Example_authUser() {
	var (
		ctx         context.Context
		session     *domain.Session
		authManager *application.AuthManager
		userService application.UserServiceInterface
	)
	// snippet auth-user
	token, err := authManager.IDToken(ctx, session) // verified ID token: Subject, Claims(&v), ...
	user := userService.GetUser(ctx, session)       // mapped user, or a guest (Type UserTypeGuest)
	loggedIn := userService.IsLoggedIn(ctx, session)
	client, err := authManager.HTTPClient(ctx, session) // sends "Authorization: Bearer <access token>"
	// snippet end
	_, _, _, _, _ = token, err, user, loggedIn, client
}

func Example_authRefreshIdentity() {
	var (
		ctx         context.Context
		session     *domain.Session
		authManager *application.AuthManager
	)
	// snippet auth-refresh
	identity, err := authManager.RefreshIdentity(ctx, session)
	// snippet end
	_, _ = identity, err
}

func Example_authUserSessions() {
	var (
		ctx                 context.Context
		session             *domain.Session
		injector            *dingo.Injector
		handle, broker, sub string
	)
	// snippet auth-sessions
	// sa.UserSessions with sessionauth.New
	sessions, err := sessionauth.Get[*application.UserSessions](injector)
	list, err := sessions.List(ctx, session)       // []SessionInfo{Handle, Current, Broker, Created, LastSeen, Metadata}
	err = sessions.End(ctx, session, handle)       // end one (the current one is destroyed with the response)
	n, err := sessions.EndAll(ctx, session, false) // log out everywhere
	n, err = sessions.EndAll(ctx, session, true)   // log out other devices
	n, err = sessions.EndSubject(ctx, broker, sub) // an administrator ends a user's sessions
	// snippet end
	_, _, _ = list, n, err
}

type auditLogger struct{}

func (auditLogger) OnLogin(context.Context, *domain.Session, *domain.Identity) {}

type localeParams struct{}

func (localeParams) AuthCodeParams(r *http.Request, _ string) url.Values {
	return url.Values{"ui_locales": {r.Header.Get("Accept-Language")}}
}

func myErrorPage(w http.ResponseWriter, _ *http.Request, _ error) {
	http.Error(w, "login failed", http.StatusBadGateway)
}

// The bindings in a module of the application: the login redirect carries
// localeParams' ui_locales.
func Example_authBindings() {
	auditLog := auditLogger{}
	bindings := dingo.ModuleFunc(func(injector *dingo.Injector) {
		// snippet auth-bindings
		// told of every login (and of logouts, when it also implements application.LogoutSubscriber)
		injector.BindMulti(new(application.LoginSubscriber)).ToInstance(auditLog)
		// extra parameters of the authorization URL: prompt, login_hint, acr_values, ui_locales, ...
		injector.Bind(new(web.AuthCodeParams)).ToInstance(localeParams{})
		// your own page for failed logins
		injector.Bind(new(web.AuthErrorHandler)).ToInstance(web.AuthErrorHandlerFunc(myErrorPage))
		// snippet end
	})
	injector, err := dingo.NewInjector(sessionauth.ConfigModule(map[string]any{
		"flamingo.session.secret": os.Getenv("SESSION_SECRET"),
		"core.auth.web.tokenKey":  "0123456789abcdef0123456789abcdef",
		"core.auth.web.broker":    []any{map[string]any{"broker": "dev", "typ": "fake"}},
	}), new(sessionauth.AuthModule), bindings)
	if err != nil {
		log.Fatal(err)
	}
	ctrl, _ := sessionauth.Get[*web.AuthController](injector)
	mw, _ := sessionauth.Get[*web.SessionMiddleware](injector)
	mux := http.NewServeMux()
	ctrl.Register(mux)
	r := httptest.NewRequest("GET", "/auth/login/dev", nil)
	r.Header.Set("Accept-Language", "de")
	w := httptest.NewRecorder()
	mw.Handler(mux).ServeHTTP(w, r)
	login, _ := url.Parse(w.Header().Get("Location"))
	fmt.Println(w.Code, login.Path, "ui_locales="+login.Query().Get("ui_locales"))
	// Output:
	// 303 /auth/fake/dev/login ui_locales=de
}
