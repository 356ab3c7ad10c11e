package sessiontest_test

import (
	"testing"

	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/infrastructure/memorystore"
	"github.com/sessionauth/sessionauth/sessiontest"
)

// One test runs the whole contract against your repository: put it in
// your repository's package as func TestContract(t *testing.T) and build
// a repository per call with the suite's Config.
func ExampleRun() {
	testContract := func(t *testing.T) {
		sessiontest.Run(t, func(t *testing.T, cfg sessiontest.Config) domain.SessionRepository {
			return memorystore.New(memorystore.Options{MaxAge: cfg.MaxAge, MaxSize: cfg.MaxSize})
		})
	}
	_ = testContract
}
