package memorystore

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/infrastructure/internal/storage"
)

// Options configures a Repository.
type Options struct {
	MaxAge        time.Duration // lifetime after each save; 0 means 30 days
	MaxSize       int           // bytes of one encoded session; 0 = no limit
	MaxSessions   int           // cap on stored sessions; 0 = no cap
	MaxBytes      int           // cap on the encoded bytes of all sessions, checked when one is added; 0 = no cap
	SweepInterval time.Duration // how often expired sessions are evicted; 0 = every minute
	// Evicted, when set, is called once for each session evicted to make
	// room under MaxSessions or MaxBytes (not for expired ones the sweeper
	// frees), with the repository's lock held: it must be quick and must
	// not call the repository. Telemetry counts evictions with it.
	Evicted func()
}

// Repository keeps sessions in the memory of the process: fast,
// and gone on restart. Use it for development and for single-instance
// deployments.
//
// It stores each session as one byte slice holding its encoded keys and
// values (about 1.3 times the gob encoding of the values per live session,
// see docs/performance.md) and gives every Load a session of its own, so
// changing a loaded value in place changes nothing stored until the
// session is saved. Save applies the changed keys one by one under
// a lock, so concurrent saves of one session that change different keys all
// persist.
//
// An expired session is invisible to Load at once; a sweeper goroutine,
// started by the first Save and stopped by Close, frees its memory.
//
// MaxSessions and MaxBytes bound memory. When a new session would exceed
// either (MaxBytes: the encoded bytes of all sessions), Save
// evicts by domain.Rank, so that a flood of anonymous visitors cannot push
// out real users: first the oldest session that holds at most pending
// logins (domain.RankPending), then the one with an anonymous visitor's
// data (domain.RankData), by their last save (nearest to expiry first),
// exactly and in O(1) amortised (a queue per rank in order of saving). Only when every session is logged
// in does it evict among a sample of a few stored ones (Go's map
// iteration starts at a random place): the expired ones in the sample,
// then, if that made no room, the one nearest to expiry — never the one
// being saved. A loaded session that was evicted is gone: its Save yields
// domain.ErrSessionNotFound. A session holding only pending logins lives
// no longer than they do (domain.Changes.Deadline).
//
// A Repository is safe for concurrent use.
type Repository struct {
	opts    Options
	sweeper *storage.Sweeper

	mu      sync.RWMutex
	records map[string]*record
	low     lowRanks
	seq     uint64 // saves so far
	bytes   int    // sum of the records' sizes

	index storage.MemoryIndex // see index.go
}

// record is one stored session. Its blob is never changed in place once
// stored; a save replaces it. So a Load hands its keys and values to the
// session it builds without copying them.
type record struct {
	values    blob
	expiresAt time.Time
	size      int         // encoded bytes, keys included
	rank      domain.Rank // what it holds, for eviction
	seq       uint64      // number of its last save, for Repository.low
}

var _ domain.SessionRepository = (*Repository)(nil)
var _ domain.SessionRepositoryCloser = (*Repository)(nil)

// New returns an empty repository. It starts no
// goroutine; the sweeper starts with the first Save.
func New(opts Options) *Repository {
	opts.MaxAge = storage.Lifetime(opts.MaxAge)
	r := &Repository{opts: opts, records: make(map[string]*record)}
	r.sweeper = storage.NewSweeper(opts.SweepInterval, r.sweep)
	return r
}

// Load returns the session stored under id. An unknown or expired id yields
// an error wrapping domain.ErrSessionNotFound; there is no other error.
func (r *Repository) Load(_ context.Context, id string) (*domain.Session, error) {
	r.mu.RLock()
	rec := r.live(id, time.Now())
	if rec == nil {
		r.mu.RUnlock()
		return nil, fmt.Errorf("memory session repository: load: %w", domain.ErrSessionNotFound)
	}
	values, expiresAt := rec.values, rec.expiresAt
	r.mu.RUnlock()
	return domain.RestoreSessionSeq(id, values.len(), values.all(), expiresAt), nil
}

// Save writes what changed since the session was loaded, as the
// domain.SessionRepository contract says, and starts the sweeper if it does
// not run yet. A save that regenerates a stored session whose record
// vanished since Load yields domain.ErrSessionNotFound too, and writes
// nothing. A save that would make the session, merged with keys other
// requests saved meanwhile, larger than MaxSize yields
// domain.ErrSessionTooLarge and writes nothing.
func (r *Repository) Save(_ context.Context, s *domain.Session) error {
	c, err := s.Changes(r.opts.MaxSize)
	if err != nil {
		return fmt.Errorf("memory session repository: save: %w", err)
	}
	r.sweeper.Start()
	now := time.Now()
	expiresAt := c.ExpiresAt(now, r.opts.MaxAge)
	r.mu.Lock()
	err = r.apply(c, now, expiresAt)
	r.mu.Unlock()
	if err != nil {
		return fmt.Errorf("memory session repository: save: %w", err)
	}
	s.Saved(c, expiresAt)
	return nil
}

// Delete removes the session stored under id. Deleting a missing session is
// not an error; there is no other error.
func (r *Repository) Delete(_ context.Context, id string) error {
	r.mu.Lock()
	r.remove(id)
	r.mu.Unlock()
	return nil
}

// Bytes returns the encoded bytes of the stored sessions, the measure of
// MaxBytes.
func (r *Repository) Bytes() int {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.bytes
}

// Len returns the number of stored sessions, counting expired ones that the
// sweeper has not evicted yet.
func (r *Repository) Len() int {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return len(r.records)
}

// Close stops the sweeper and waits for it to end. The stored sessions stay
// usable, but expired ones are no longer evicted in the background. Close
// may be called more than once; it always returns nil.
func (r *Repository) Close() error {
	r.sweeper.Stop()
	return nil
}

// Status reports the repository as alive, with the number of stored sessions.
func (r *Repository) Status() (alive bool, details string) {
	n := r.Len()
	if r.opts.MaxSessions > 0 {
		return true, fmt.Sprintf("memory session repository: sessions stored: %d of at most %d", n, r.opts.MaxSessions)
	}
	return true, fmt.Sprintf("memory session repository: sessions stored: %d", n)
}
