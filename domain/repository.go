package domain

import "context"

// SessionRepository stores sessions. Every implementation must pass the
// contract suite in package sessiontest.
type SessionRepository interface {
	// Load returns the stored session with the given ID, built with
	// RestoreSession. An unknown, expired, malformed or unreadable ID yields
	// an error wrapping ErrSessionNotFound; any other error means the
	// backend failed and the caller must not treat the visitor as new.
	Load(ctx context.Context, id string) (*Session, error)

	// Save writes what changed since Load, as computed by Session.Changes:
	// only the keys in Set and Deleted, atomically, so that concurrent saves
	// of the same session that change different keys all persist. It
	// refreshes the expiry, carries out Regenerate (in one atomic step: the
	// record stored under PreviousID, as it is now, with Set and Deleted
	// merged in, moves to the new ID and the old ID stops working, so that
	// saves acknowledged meanwhile are kept) and Destroy (deletes the
	// record), and then
	// calls Session.Saved. A stored session that vanished since Load (it
	// expired or was destroyed) yields ErrSessionNotFound and is not
	// recreated from a partial update; the same holds for a regenerating
	// save whose old record vanished. ErrSessionTooLarge (the limit applies
	// to the record after merging concurrent saves) and ErrValueNotEncodable
	// mean nothing was written. Byte slices handed to RestoreSession or
	// taken from Changes are never modified by domain, so a repository may
	// keep and share them.
	Save(ctx context.Context, s *Session) error

	// Delete removes the session. Deleting a missing session is not an error.
	Delete(ctx context.Context, id string) error
}

// SessionRepositoryCloser is implemented by repositories that hold
// resources (a sweeper goroutine, connections); Close releases them.
type SessionRepositoryCloser interface {
	Close() error
}
