package domain

import "context"

// SessionMigrator brings the sessions of a store the application used
// before into the repository, so that visitors keep them across a switch of
// session stores. The session middleware and the gorilla bridge ask it
// about a request's session cookie when none of their own cookies names a
// stored session.
type SessionMigrator interface {
	// Migrate returns the session that the old store's cookie value names,
	// as the repository now holds it (loaded, with a new ID that the
	// caller signs into a new cookie). The old record is read once and
	// deleted; parallel calls with one cookie all get the same session, of
	// which exactly one is created. A value that names no old session
	// (unknown, forged, tampered, expired, or not the old store's at all)
	// yields nil and no error. An error means a store failed; it never
	// contains the cookie value or a session ID.
	Migrate(ctx context.Context, cookie string) (*Session, error)
}

// NewSessionWithID returns an empty session that no repository holds yet,
// with the given ID instead of a random one, for a migration that must
// agree on the new ID across processes (see SessionMigrator). The ID must
// pass ValidSessionID and be as unguessable as one from NewSessionID.
func NewSessionWithID(id string) *Session {
	return &Session{Values: make(map[string]any), id: id}
}
