package sessionauth_test

import (
	"fmt"
	"log"
	"net/http"
	"os"

	"github.com/sessionauth/sessionauth"
	"github.com/sessionauth/sessionauth/interfaces/web"
)

// A plain net/http server with sessions and OpenID Connect login: one
// configuration map, one call. The provider's values come from the
// environment, as in README's quick start; here they name a provider that
// is never asked, since nobody logs in (TestQuickStartInBrowser does).
func ExampleNew() {
	for k, v := range map[string]string{"BASE_URL": "https://shop.example", "OIDC_ISSUER": "https://login.example",
		"OIDC_CLIENT_ID": "shop", "OIDC_CLIENT_SECRET": "example-client-secret"} {
		if _, set := os.LookupEnv(k); !set {
			os.Setenv(k, v)
			defer os.Unsetenv(k)
		}
	}
	visit(quickStart(), "/", "/", "/account")
	// Output:
	// GET / → 200 visits: 1
	// GET / → 200 visits: 2
	// GET /account → 303 /auth/login?redirecturl=%2Faccount
}

// quickStart is README's quick start: the handler of the server.
func quickStart() http.Handler {
	// snippet start
	sa, err := sessionauth.New(map[string]any{
		"flamingo.session.secret": os.Getenv("SESSION_SECRET"),
		"core.auth.web.baseURL":   os.Getenv("BASE_URL"), // https://shop.example: callbacks at {baseURL}/auth/callback/corp
		"core.auth.web.broker": []any{map[string]any{
			"broker": "corp", "typ": "oidc", "endpoint": os.Getenv("OIDC_ISSUER"),
			"clientID": os.Getenv("OIDC_CLIENT_ID"), "clientSecret": os.Getenv("OIDC_CLIENT_SECRET"),
		}},
	})
	if err != nil {
		log.Fatal(err) // every configuration problem, in one error
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		s := web.SessionFromContext(r.Context())
		n, _ := s.Try("visits").(int)
		s.Store("visits", n+1) // saved when the response starts; no Save call
		fmt.Fprintln(w, "visits:", n+1)
	})
	mux.Handle("GET /account", web.RequireLogin(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user := sa.Users.GetUser(r.Context(), web.SessionFromContext(r.Context()))
		fmt.Fprintln(w, "hello", user.Name)
	})))
	handler := sa.Handler(mux) // adds /auth/login, /auth/callback, /auth/logout…
	// http.ListenAndServe(":8080", handler)
	// snippet end
	return handler
}
