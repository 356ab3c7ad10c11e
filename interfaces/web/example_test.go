package web_test

import (
	"fmt"
	"log"
	"net/http"
	"os"
	"time"

	"github.com/sessionauth/sessionauth/infrastructure/cookiesigner"
	"github.com/sessionauth/sessionauth/infrastructure/memorystore"
	"github.com/sessionauth/sessionauth/interfaces/web"
)

// Sessions by hand, without configuration or dingo: a repository, a
// cookie signer and the middleware.
func ExampleSessionMiddleware() {
	// snippet start
	const maxAge = 24 * time.Hour
	repo := memorystore.New(memorystore.Options{MaxAge: maxAge})
	signer, err := cookiesigner.New("flamingo", []string{os.Getenv("SESSION_SECRET")}, maxAge)
	if err != nil {
		log.Fatal(err)
	}
	sessions := web.NewSessionMiddleware(repo, signer, web.SessionOptions{Name: "flamingo", MaxAge: maxAge, Secure: true})
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		s := web.SessionFromContext(r.Context())
		n, _ := s.Try("visits").(int)
		s.Store("visits", n+1) // saved when the response starts; no Save call
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

// RequireLogin sends anonymous visitors to the login and lets logged-in
// ones through; serve it behind the session middleware.
func ExampleRequireLogin() {
	mux := http.NewServeMux()
	mux.Handle("GET /account", web.RequireLogin(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "your account")
	})))
	visit(sessionsFor(mux), "/account")
	// Output:
	// GET /account → 303 /auth/login?redirecturl=%2Faccount
}
