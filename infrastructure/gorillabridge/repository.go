package gorillabridge

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/gorilla/sessions"
	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/infrastructure/internal/storage"
)

// Options configures a Repository.
type Options struct {
	// Name is the cookie name the store is addressed with; gorilla's stores
	// bind it into the cookie's signature. Empty means "sessionauth".
	Name string
	// MaxAge is how long a session lives after each save; 0 means 30 days.
	MaxAge time.Duration
	// MaxSize limits the encoded size of one session in bytes; 0 means no
	// limit of ours. The store may have its own: FilesystemStore refuses
	// records longer than 4096 encoded bytes unless its MaxLength is raised.
	MaxSize int
	// Index keeps the index of a user's sessions (domain.SessionIndex),
	// which a gorilla store cannot; nil keeps it in the memory of this
	// process, which is right for one instance only.
	Index domain.SessionIndex
}

// gorillaExpiresKey is the gorilla session value holding the expiry of a
// record, in Unix nanoseconds. It is a string key, so that the record passes
// through any store that accepts string keys, a Store included; the
// NUL byte keeps it apart from every key an application would choose, and
// Save refuses a session that uses it.
const gorillaExpiresKey = "\x00sessionauth.expires"

// Repository keeps sessions in a gorilla/sessions Store, such
// as sessions.NewFilesystemStore or a Redis or SQL store, so that a store an
// application already has becomes a session backend (the
// CustomSessionBackend extension point).
//
// A gorilla store can only be reached through an HTTP request that carries
// its cookie. So the session ID of this repository is the cookie value the
// store issued when it created the record: opaque, often a hundred bytes or
// more, and only meaningful to that store. A plain save keeps the ID; a new
// or regenerated session gets one from the store. The store's own cookie
// lifetime bounds how long an ID stays valid (FilesystemStore: its MaxAge,
// 30 days unless changed): once the store rejects the cookie, Load reports
// domain.ErrSessionNotFound.
//
// The store must keep the data on its side and put a reference in the
// cookie, as FilesystemStore and the Redis and SQL stores do; a CookieStore,
// which keeps the data in the cookie itself, cannot back a repository. Its
// serialiser must round-trip []byte and int64 values under string keys
// (gorilla's gob serialiser does). Values are stored in their encoded form
// (domain.EncodeValue), so their types come back exactly.
//
// Save merges the changed keys into the record as it is at that moment,
// under a lock per session ID, so concurrent saves within one process lose
// nothing. Across processes the store's own semantics apply: most stores
// write the whole record, and the last save wins. Expiry is enforced here,
// with a value hidden in the record, whatever the store does; a store that
// removes records itself is told MaxAge through the session's Options.
// Expired records are only removed by such a store.
//
// A Repository is safe for concurrent use if the store is.
type Repository struct {
	store  sessions.Store
	name   string
	maxAge time.Duration
	size   int
	locks  gorillaLocks
	index  domain.SessionIndex // see index.go
}

var _ domain.SessionRepository = (*Repository)(nil)

// NewRepository returns a repository keeping sessions in store.
func NewRepository(store sessions.Store, opts Options) *Repository {
	if opts.Name == "" {
		opts.Name = "sessionauth"
	}
	if opts.Index == nil {
		opts.Index = new(memoryIndex)
	}
	return &Repository{store: store, name: opts.Name, maxAge: storage.Lifetime(opts.MaxAge), size: opts.MaxSize, index: opts.Index}
}

// Load returns the session stored under id. An unknown or expired id, one
// the store rejects, or a record it cannot read yields an error wrapping
// domain.ErrSessionNotFound; any other error of the store is returned as a
// backend failure.
func (r *Repository) Load(ctx context.Context, id string) (*domain.Session, error) {
	gs, err := r.fetch(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("gorilla session repository: load: %w", err)
	}
	data, expiresAt := gorillaRecord(gs)
	return domain.RestoreSession(id, data, expiresAt), nil
}

// Save writes what changed since the session was loaded, as the
// domain.SessionRepository contract says. A new or regenerated session
// receives its ID from the store here.
func (r *Repository) Save(ctx context.Context, s *domain.Session) error {
	c, err := s.Changes(r.size)
	if err == nil && gorillaReserved(c) {
		err = fmt.Errorf("the session key %q is reserved", gorillaExpiresKey)
	}
	if err != nil {
		return fmt.Errorf("gorilla session repository: save: %w", err)
	}
	expiresAt := c.ExpiresAt(time.Now(), r.maxAge)
	switch {
	case c.Destroy:
		err = errors.Join(r.drop(ctx, c.ID), r.drop(ctx, c.PreviousID))
	case c.New:
		err = r.create(ctx, c, expiresAt)
	default:
		err = r.update(ctx, c, expiresAt)
	}
	if err != nil {
		return fmt.Errorf("gorilla session repository: save: %w", err)
	}
	s.Saved(c, expiresAt)
	return nil
}

// Delete removes the session stored under id, expired or not. Deleting a
// missing session is not an error.
func (r *Repository) Delete(ctx context.Context, id string) error {
	if err := r.drop(ctx, id); err != nil {
		return fmt.Errorf("gorilla session repository: delete: %w", err)
	}
	return nil
}

// create stores a new record and sets c.ID to the store's cookie: c.All
// for a new session; for a regenerated one the old record as it is now
// with c merged in, under the old record's lock, and the old record is
// deleted once the new one is written.
func (r *Repository) create(ctx context.Context, c *domain.Changes, expiresAt time.Time) error {
	values := c.All
	if c.PreviousID != "" {
		defer r.locks.lock(c.PreviousID)()
		old, err := r.fetch(ctx, c.PreviousID)
		if err != nil {
			return err
		}
		values, _ = gorillaRecord(old)
		if err := storage.Merge(values, c, r.size); err != nil {
			return err
		}
	}
	gs, err := r.blank(ctx)
	if err != nil {
		return err
	}
	if c.ID, err = r.write(gs, values, expiresAt); err != nil {
		return err
	}
	if c.PreviousID != "" {
		return r.remove(ctx, c.PreviousID)
	}
	return nil
}

// update merges c into the record as it is now, under the lock of its ID.
func (r *Repository) update(ctx context.Context, c *domain.Changes, expiresAt time.Time) error {
	defer r.locks.lock(c.ID)()
	gs, err := r.fetch(ctx, c.ID)
	if err != nil {
		return err
	}
	values, _ := gorillaRecord(gs)
	if err := storage.Merge(values, c, r.size); err != nil {
		return err
	}
	_, err = r.write(gs, values, expiresAt)
	return err
}

// gorillaReserved reports whether c would write the key that holds the
// expiry.
func gorillaReserved(c *domain.Changes) bool {
	_, ok := c.All[gorillaExpiresKey]
	return ok
}

// drop deletes the record stored under id, if any.
func (r *Repository) drop(ctx context.Context, id string) error {
	if id == "" {
		return nil
	}
	defer r.locks.lock(id)()
	return r.remove(ctx, id)
}

// remove deletes a record whose lock the caller holds.
func (r *Repository) remove(ctx context.Context, id string) error {
	gs, err := r.open(ctx, id)
	if errors.Is(err, domain.ErrSessionNotFound) {
		return nil
	}
	if err == nil {
		gs.Options.MaxAge = -1
		err = r.store.Save(gs.req, &gorillaHeaderWriter{}, gs.Session)
	}
	return err
}

// write replaces the values of gs with values and the expiry, saves it and
// returns the cookie value the store set.
func (r *Repository) write(gs *gorillaAddressed, values map[string][]byte, expiresAt time.Time) (string, error) {
	gs.Values = make(map[any]any, len(values)+1)
	for k, b := range values {
		gs.Values[k] = b
	}
	gs.Values[gorillaExpiresKey] = expiresAt.UnixNano()
	gs.Options.MaxAge = int((r.maxAge + time.Second - 1) / time.Second)
	w := &gorillaHeaderWriter{}
	if err := r.store.Save(gs.req, w, gs.Session); err != nil {
		return "", err
	}
	value, ok := w.cookie(r.name)
	if !ok {
		return "", fmt.Errorf("the store set no %q cookie", r.name)
	}
	return value, nil
}
