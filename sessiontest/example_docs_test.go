package sessiontest_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/infrastructure/filestore"
	"github.com/sessionauth/sessionauth/sessiontest"
)

// The contract suite as docs/testing.md shows it, run against the file
// repository with a corrupter.

// snippet testing-contract
func TestRepository(t *testing.T) {
	dir := t.TempDir() // the file repository; use yours and its backend
	sessiontest.Run(t, func(t *testing.T, cfg sessiontest.Config) domain.SessionRepository {
		repo, err := filestore.New(filestore.Options{Dir: dir, MaxAge: cfg.MaxAge, MaxSize: cfg.MaxSize})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { repo.Close() })
		return repo
	}, sessiontest.WithCorrupter(func(t *testing.T, _ domain.SessionRepository, id string) {
		if err := os.WriteFile(filepath.Join(dir, id+".session"), []byte("not a session"), 0o600); err != nil {
			t.Fatal(err)
		}
	}))
}

// snippet end
