package domain

import (
	"context"
	"time"
)

// SessionIndex is an optional power of a SessionRepository: it finds the
// sessions filed under a key, such as every session of one user at one
// broker, or of one session at the provider (its sid), so that they can be
// listed and ended together — on every instance, because the index lives
// in the repository's backend. Repositories offer it by implementing these
// methods; callers find it with a type assertion. The contract suite
// (sessiontest) checks it when present.
//
// Entries expire: an index holds no entry past its expiry, so it stays
// bounded by the sessions that live. Keys are opaque strings of any
// length; implementations may hash them.
type SessionIndex interface {
	// Index files the session id under each of keys until expiresAt.
	// Indexing an id that is filed already moves its expiry to expiresAt.
	// An error means some entries may not have been written.
	Index(ctx context.Context, id string, keys []string, expiresAt time.Time) error

	// Unindex removes the session id from keys. Entries that do not exist
	// are no error.
	Unindex(ctx context.Context, id string, keys []string) error

	// Indexed returns the IDs filed under key whose entries have not
	// expired, in no particular order; none for an unknown key. An ID may
	// name a session that ended without being unindexed: callers Load it
	// to be sure.
	Indexed(ctx context.Context, key string) ([]string, error)
}
