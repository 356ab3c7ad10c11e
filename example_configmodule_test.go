package sessionauth_test

import (
	"fmt"
	"log"
	"net/http"
	"os"

	"flamingo.me/dingo"

	"github.com/sessionauth/sessionauth"
	"github.com/sessionauth/sessionauth/interfaces/web"
)

// The modules in a dingo injector: ConfigModule binds the configuration,
// SessionModule the sessions; Get takes a component out, typed.
func ExampleConfigModule() {
	// snippet start
	injector, err := dingo.NewInjector(
		sessionauth.ConfigModule(map[string]any{
			"flamingo.session.backend": "memory", // or file, redis, cookie (see docs/backends.md)
			"flamingo.session.secret":  os.Getenv("SESSION_SECRET"),
		}),
		new(sessionauth.SessionModule),
	)
	if err != nil {
		log.Fatal(err) // every configuration problem, in one error
	}
	sessions, err := sessionauth.Get[*web.SessionMiddleware](injector)
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		s := web.SessionFromContext(r.Context())
		n, _ := s.Try("visits").(int)
		s.Store("visits", n+1)
		fmt.Fprintln(w, "visits:", n+1)
	})
	handler := sessions.Handler(mux)
	// http.ListenAndServe(":8080", handler)
	// snippet end

	visit(handler, "/", "/")
	// Output:
	// GET / → 200 visits: 1
	// GET / → 200 visits: 2
}
