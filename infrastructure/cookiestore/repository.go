package cookiestore

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/sessionauth/sessionauth/domain"
)

// Options configure a Repository. A zero field means its default.
type Options struct {
	// Name is the cookie's name; the chunks after the first are Name.1,
	// Name.2, …. "flamingo" by default.
	Name string
	// Secrets are the keys the sealing keys are derived from: the first
	// seals, all of them open (the others are previous secrets, kept while
	// cookies sealed with them are still about). Required.
	Secrets [][]byte
	// MaxAge is the idle lifetime: a set of cookies opens until MaxAge
	// after it was sealed. 30 days by default.
	MaxAge time.Duration
	// MaxSize limits the encoded size of a session before compression, as
	// on the other backends (flamingo.session.store.length); 0: none.
	MaxSize int
	// MaxBytes caps what the cookies add to a request's Cookie header;
	// DefaultMaxBytes by default.
	MaxBytes int
	// NoCompression turns packing and DEFLATE off; by default the
	// record's tokens are packed, and the record is compressed when that
	// saves a cookie or brings it under MaxBytes.
	NoCompression bool
	// Cookie holds the attributes every chunk is written with; MaxAge
	// defaults to Options.MaxAge.
	Cookie CookieOptions
	// Revocation, when set, remembers the IDs of ended sessions (a logout,
	// the old ID after a login) until their cookies would expire anyway,
	// so that a copy of their cookies replayed later is refused: one
	// lookup per request. Without it a copy opens until its lifetimes run
	// out.
	Revocation domain.SessionIndex
	// ServerCopy names values that, with a revocation store that is also a
	// session repository (memory, file, redis), are kept there too under
	// the session's ID, so that Load by ID finds them: what a list of a
	// user's sessions shows and checks (the login's record and identity).
	// A domain.Identity is copied with its broker and subject alone: no
	// token or claim leaves the cookies. The cookies stay the session; the
	// copy is only read by ID, kept under a hash of it. A session without
	// any of these values leaves nothing on the server.
	ServerCopy []string
	// Now is the clock; time.Now by default.
	Now func() time.Time
}

// Repository keeps each session sealed in the visitor's cookies: nothing is
// stored on the server, so any number of instances share sessions without
// Redis or a shared disk. See the package documentation for what that
// gives and what it cannot give.
type Repository struct {
	c       codec
	maxAge  time.Duration
	maxSize int
	revoked domain.SessionIndex // nil: no revocation
	// server keeps the ServerCopy values by session ID; nil without a
	// revocation store that is a repository, or without ServerCopy.
	server     domain.SessionRepository
	serverCopy []string
}

var (
	_ domain.SessionRepository = (*Repository)(nil)
	_ domain.SessionCookies    = (*Repository)(nil)
)

// ErrNoServerState is returned by Load, Save and Delete by ID: the session
// lives in the browser's cookies, the server cannot reach another
// browser's copy.
var ErrNoServerState = errors.New("cookie session repository: sessions live in the visitors' cookies; the server cannot load, save or end a session by its ID")

// New returns a repository that seals sessions with keys derived from
// opts.Secrets.
func New(opts Options) (*Repository, error) {
	keys, err := newKeyRing(opts.Secrets)
	if err != nil {
		return nil, fmt.Errorf("cookie session repository: %w", err)
	}
	if opts.Name == "" {
		opts.Name = "flamingo"
	}
	if opts.MaxAge <= 0 {
		opts.MaxAge = 30 * 24 * time.Hour
	}
	if opts.MaxBytes <= 0 {
		opts.MaxBytes = DefaultMaxBytes
	}
	if opts.Cookie.MaxAge == 0 {
		opts.Cookie.MaxAge = int(opts.MaxAge / time.Second)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	r := &Repository{maxAge: opts.MaxAge, maxSize: opts.MaxSize, revoked: opts.Revocation, c: codec{name: opts.Name, keys: keys, maxBytes: opts.MaxBytes,
		compress: !opts.NoCompression, cookie: opts.Cookie, now: opts.Now}}
	if server, ok := opts.Revocation.(domain.SessionRepository); ok && len(opts.ServerCopy) > 0 {
		r.server, r.serverCopy = server, slices.Clone(opts.ServerCopy)
	}
	return r, nil
}

// LoadCookies opens the session that cookies carry. A set sealed with a
// previous key comes back with an expiry of now, so that the session
// middleware saves it again, sealed with the current key.
func (r *Repository) LoadCookies(ctx context.Context, cookies []*http.Cookie) (*domain.Session, error) {
	o, err := r.c.open(cookies)
	if err != nil {
		return nil, err
	}
	now := r.c.now()
	if now.After(o.issued.Add(r.maxAge)) || o.issued.After(now.Add(time.Minute)) {
		return nil, fmt.Errorf("%w: sealed outside its idle lifetime", errUnknown)
	}
	rec, err := decodeRecord(o.plain, 64*r.c.maxBytes)
	if err != nil || !domain.ValidSessionID(rec.id) {
		return nil, fmt.Errorf("%w: %w", errUnknown, errBadRecord)
	}
	if !now.Before(rec.expires) {
		return nil, fmt.Errorf("%w: expired", errUnknown)
	}
	if ended, err := r.ended(ctx, rec.id); err != nil || ended {
		if err != nil {
			return nil, err
		}
		return nil, fmt.Errorf("%w: ended", errUnknown)
	}
	expires := rec.expires
	if o.oldKey {
		expires = now
	}
	return domain.RestoreSession(rec.id, rec.values, expires), nil
}

// SaveCookies seals the whole session (a cookie holds all of it, so the
// last save of parallel requests wins) and returns its cookies, with
// expired ones for the request's chunks no longer needed.
func (r *Repository) SaveCookies(ctx context.Context, s *domain.Session, cookies []*http.Cookie) ([]*http.Cookie, error) {
	c, err := s.Changes(r.maxSize)
	if err != nil {
		return nil, fmt.Errorf("cookie session repository: save: %w", err)
	}
	_, present := r.c.collect(cookies)
	if c.Destroy {
		if !s.IsNew() {
			if err := r.end(ctx, c.ID); err != nil {
				return nil, err
			}
		}
		s.Saved(c, time.Time{})
		return r.c.expire(0, max(present, 1)), nil
	}
	if err := r.end(ctx, c.PreviousID); err != nil {
		return nil, err
	}
	now := r.c.now()
	expires := c.ExpiresAt(now, r.maxAge)
	rec := record{id: c.ID, expires: expires, values: c.All}
	out, err := r.c.sealRecord(&rec, now)
	if err != nil {
		return nil, fmt.Errorf("cookie session repository: save: %w", err)
	}
	if err := r.saveCopy(ctx, s, c); err != nil {
		return nil, err
	}
	out = append(out, r.c.expire(len(out), present)...)
	s.Saved(c, expires)
	return out, nil
}

// Load answers ErrSessionNotFound, unless the revocation store keeps the
// ServerCopy values: then it returns a session of those values alone, for
// a session that did not end.
func (r *Repository) Load(ctx context.Context, id string) (*domain.Session, error) {
	if r.server == nil {
		return nil, fmt.Errorf("%w (%w)", domain.ErrSessionNotFound, ErrNoServerState)
	}
	if ended, err := r.ended(ctx, id); err != nil || ended {
		if err != nil {
			return nil, err
		}
		return nil, fmt.Errorf("%w: ended", domain.ErrSessionNotFound)
	}
	return r.server.Load(ctx, copyID(id))
}

// Save fails with ErrNoServerState: sessions are saved with SaveCookies.
func (r *Repository) Save(context.Context, *domain.Session) error {
	return ErrNoServerState
}

// Delete ends the session id with a revocation store: copies of its
// cookies no longer open. Without one it fails with ErrNoServerState:
// ending a session by its ID would end nothing, and saying it did would be
// a lie.
func (r *Repository) Delete(ctx context.Context, id string) error {
	if r.revoked == nil {
		return ErrNoServerState
	}
	return r.end(ctx, id)
}

// Close closes the revocation store when it holds resources.
func (r *Repository) Close() error {
	if c, ok := r.revoked.(domain.SessionRepositoryCloser); ok {
		return c.Close()
	}
	return nil
}
