package gorillabridge

import (
	"fmt"
	"net/http"

	"github.com/sessionauth/sessionauth/domain"
)

// MigrateFrom makes New ask m for the session of a cookie that names no
// session of the repository, so that visitors keep the sessions of the
// store the application used before (see domain.SessionMigrator). The
// migrated session comes back as a stored one under its new ID; the first
// Save sets its cookie, changed or not. Call MigrateFrom before the store serves requests.
func (s *Store) MigrateFrom(m domain.SessionMigrator) *Store {
	s.migrator = m
	return s
}

// migrate returns the migrated session of the cookie value and its new
// cookie value, or a new session when there is none.
func (s *Store) migrate(r *http.Request, cookie string) (*domain.Session, string, error) {
	if s.migrator == nil {
		return domain.NewSession(), "", nil
	}
	ds, err := s.migrator.Migrate(r.Context(), cookie)
	if err != nil || ds == nil {
		return domain.NewSession(), "", err
	}
	value, err := s.signer.Sign(ds.ID())
	if err != nil {
		return domain.NewSession(), "", fmt.Errorf("migrate: %w", err)
	}
	return ds, value, nil
}

// migrated reports whether New loaded the session under another cookie
// value than the request's: it came from a migration, and the browser
// still holds the old store's cookie.
func migrated(r *http.Request, name, cookie string) bool {
	c, err := r.Cookie(name)
	return err != nil || c.Value != cookie
}
