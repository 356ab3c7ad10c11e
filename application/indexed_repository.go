package application

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/sessionauth/sessionauth/domain"
)

// lastSeenStep is how stale a session's "last seen" may get before a save
// renews it: the renewal rides on a save that happens anyway.
const lastSeenStep = time.Minute

// IndexedRepository is a SessionRepository that keeps the index of a
// user's sessions (domain.SessionIndex) in step with the sessions: a
// logged-in session is filed under its user and provider session at login,
// moved when its ID is regenerated, removed when it is destroyed or
// deleted, and its entries are renewed while it lives, so that they
// outlast it by at most twice the session lifetime. Sessions nobody logged
// in to cost nothing extra. Every other call goes to the wrapped
// repository unchanged.
type IndexedRepository struct {
	domain.SessionRepository
	index  domain.SessionIndex
	maxAge time.Duration
	clock  func() time.Time
}

var (
	_ domain.SessionRepository = (*IndexedRepository)(nil)
	_ domain.SessionIndex      = (*IndexedRepository)(nil)
)

// NewIndexedRepository wraps repo, whose sessions live maxAge after each
// save. A repo without domain.SessionIndex is returned as it is, and so is
// one wrapped already.
func NewIndexedRepository(repo domain.SessionRepository, maxAge time.Duration) domain.SessionRepository {
	x, ok := repo.(domain.SessionIndex)
	if _, wrapped := repo.(indexed); !ok || wrapped {
		return repo
	}
	r := &IndexedRepository{SessionRepository: repo, index: x, maxAge: maxAge, clock: time.Now}
	if c, ok := repo.(domain.SessionCookies); ok {
		return &indexedCookies{IndexedRepository: r, cookies: c}
	}
	return r
}

// indexed is what NewIndexedRepository returns for a repository with an
// index.
type indexed interface{ indexedRepository() *IndexedRepository }

func (r *IndexedRepository) indexedRepository() *IndexedRepository { return r }

// indexedCookies is IndexedRepository for a repository that keeps sessions
// in the visitor's cookies (domain.SessionCookies): saves through
// SaveCookies keep the index as saves through Save do.
type indexedCookies struct {
	*IndexedRepository
	cookies domain.SessionCookies
}

var _ domain.SessionCookies = (*indexedCookies)(nil)

// LoadCookies loads the session that cookies carry.
func (r *indexedCookies) LoadCookies(ctx context.Context, cookies []*http.Cookie) (*domain.Session, error) {
	return r.cookies.LoadCookies(ctx, cookies)
}

// SaveCookies saves s into cookies and files, moves or removes its index
// entries.
func (r *indexedCookies) SaveCookies(ctx context.Context, s *domain.Session, cookies []*http.Cookie) ([]*http.Cookie, error) {
	var out []*http.Cookie
	err := r.save(ctx, s, func() error {
		var err error
		out, err = r.cookies.SaveCookies(ctx, s, cookies)
		return err
	})
	return out, err
}

// Unwrap returns the wrapped repository, for its optional powers.
func (r *IndexedRepository) Unwrap() domain.SessionRepository { return r.SessionRepository }

// Save saves s and files, moves or removes its index entries.
func (r *IndexedRepository) Save(ctx context.Context, s *domain.Session) error {
	return r.save(ctx, s, func() error { return r.SessionRepository.Save(ctx, s) })
}

// save runs write, which saves s, and keeps the index entries of s.
func (r *IndexedRepository) save(ctx context.Context, s *domain.Session, write func() error) error {
	rec, ok := s.Try(recordKey).(sessionRecord)
	if !ok {
		return write()
	}
	oldID, destroyed := s.ID(), s.Destroyed()
	renew := r.renew(s, &rec, destroyed)
	if err := write(); err != nil {
		return err
	}
	var err error
	switch {
	case destroyed:
		err = r.index.Unindex(ctx, oldID, rec.Keys)
	case s.ID() != oldID:
		err = errors.Join(r.index.Unindex(ctx, oldID, rec.Keys), r.index.Index(ctx, s.ID(), rec.Keys, rec.Until))
	case renew:
		err = r.index.Index(ctx, s.ID(), rec.Keys, rec.Until)
	}
	if err != nil {
		return fmt.Errorf("sessions index: %w", err)
	}
	return nil
}

// renew moves the record's "last seen" and index expiry forward when due,
// storing it in s so that the save writes it, and reports whether the
// index entries must be written.
func (r *IndexedRepository) renew(s *domain.Session, rec *sessionRecord, destroyed bool) bool {
	now := r.clock()
	if destroyed {
		return false
	}
	due := now.Add(r.maxAge).After(rec.Until)
	if !due && now.Sub(rec.LastSeen) < lastSeenStep {
		return false
	}
	if due {
		rec.Until = now.Add(2 * r.maxAge)
	}
	rec.LastSeen = now
	s.Store(recordKey, *rec)
	return due
}

// Delete deletes the session and its index entries.
func (r *IndexedRepository) Delete(ctx context.Context, id string) error {
	var keys []string
	if s, err := r.SessionRepository.Load(ctx, id); err == nil {
		if rec, ok := s.Try(recordKey).(sessionRecord); ok {
			keys = rec.Keys
		}
	}
	if err := r.SessionRepository.Delete(ctx, id); err != nil {
		return err
	}
	if len(keys) > 0 {
		if err := r.index.Unindex(ctx, id, keys); err != nil {
			return fmt.Errorf("sessions index: %w", err)
		}
	}
	return nil
}

// Index files id under keys; see domain.SessionIndex.
func (r *IndexedRepository) Index(ctx context.Context, id string, keys []string, expiresAt time.Time) error {
	return r.index.Index(ctx, id, keys, expiresAt)
}

// Unindex removes id from keys; see domain.SessionIndex.
func (r *IndexedRepository) Unindex(ctx context.Context, id string, keys []string) error {
	return r.index.Unindex(ctx, id, keys)
}

// Indexed returns the IDs filed under key; see domain.SessionIndex.
func (r *IndexedRepository) Indexed(ctx context.Context, key string) ([]string, error) {
	return r.index.Indexed(ctx, key)
}

// Close closes the wrapped repository when it holds resources.
func (r *IndexedRepository) Close() error {
	if c, ok := r.SessionRepository.(domain.SessionRepositoryCloser); ok {
		return c.Close()
	}
	return nil
}
