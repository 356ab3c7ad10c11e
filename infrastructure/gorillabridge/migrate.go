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
// cookie value, or a new session when there is none; migrated is true
// with a migrated session, whose new cookie the browser does not hold yet.
func (s *Store) migrate(r *http.Request, cookie string) (ds *domain.Session, value string, migrated bool, err error) {
	if s.migrator == nil {
		return domain.NewSession(), "", false, nil
	}
	ds, err = s.migrator.Migrate(r.Context(), cookie)
	if err != nil || ds == nil {
		return domain.NewSession(), "", false, err
	}
	value, err = s.signer.Sign(ds.ID())
	if err != nil {
		return domain.NewSession(), "", false, fmt.Errorf("migrate: %w", err)
	}
	return ds, value, true, nil
}
