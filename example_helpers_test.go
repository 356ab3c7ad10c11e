package sessionauth_test

import (
	"net/http"
	"os"

	"github.com/sessionauth/sessionauth/internal/exampletest"
)

func init() {
	if os.Getenv("SESSION_SECRET") == "" {
		os.Setenv("SESSION_SECRET", "example-secret")
	}
}

func visit(handler http.Handler, paths ...string) { exampletest.Visit(handler, paths...) }
