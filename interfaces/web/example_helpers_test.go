package web_test

import (
	"net/http"
	"os"

	"github.com/sessionauth/sessionauth/infrastructure/cookiesigner"
	"github.com/sessionauth/sessionauth/infrastructure/memorystore"
	"github.com/sessionauth/sessionauth/interfaces/web"
	"github.com/sessionauth/sessionauth/internal/exampletest"
)

func init() {
	if os.Getenv("SESSION_SECRET") == "" {
		os.Setenv("SESSION_SECRET", "example-secret")
	}
}

func visit(handler http.Handler, paths ...string) { exampletest.Visit(handler, paths...) }

// sessionsFor serves h behind a session middleware on memory.
func sessionsFor(h http.Handler) http.Handler {
	signer, _ := cookiesigner.New("flamingo", []string{"example-secret"}, 0)
	return web.NewSessionMiddleware(memorystore.New(memorystore.Options{}), signer, web.SessionOptions{Secure: true}).Handler(h)
}
