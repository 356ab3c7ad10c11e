package filestore

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/infrastructure/internal/storage"
)

// Options configures a Repository.
type Options struct {
	Dir           string        // the session directory (flamingo.session.file)
	MaxAge        time.Duration // lifetime after each save; 0 means 30 days
	MaxSize       int           // bytes of one encoded session; 0 = no limit
	SweepInterval time.Duration // how often expired files are deleted; 0 = every minute
	MaxSessions   int           // cap on session files (flamingo.session.fileMaxSessions); 0 = no cap

	// Evicted, when set, is called once for each live session whose file
	// was deleted to stay within MaxSessions (not for expired or unreadable
	// files). It runs with the session's lock held and must not call the
	// repository. Telemetry counts evictions with it.
	Evicted func()
}

// Repository keeps each session in a file of its own, so sessions
// survive restarts and several processes on one machine can share them.
//
// The directory holds, besides files of other programs, which are left
// alone:
//
//	<id>.session            one session: a header with the format
//	                        version and the expiry, the encoded values,
//	                        and a checksum
//	.<id>.session.tmp<n>    a session being written
//	.session-lock-00 … 31   lock files, never deleted
//
// Only IDs of the form domain.ValidSessionID accepts reach the file system;
// any other ID is not found, so no ID names a file outside the directory.
//
// A write goes to a temporary file in the directory, is synced to disk and
// renamed over the session file, so a reader sees the old or the new
// session, never a mix. Load takes no lock. Save and Delete hold a lock for
// their read-modify-write (a mutex and an exclusive flock on the one of the
// 32 lock files that a hash of the ID picks), so concurrent saves that
// change different keys merge, across goroutines and processes alike. On
// systems without flock (Windows, Solaris) the lock covers one process
// only, and a directory must not be shared.
// (Waiting for the lock does not heed the context; the lock is held for one
// read and one write of a small file.) A file that cannot be decoded
// (garbage, truncated, a format version this code does not know) is not
// found.
//
// A sweeper goroutine, started by the first Save and stopped by Close,
// deletes expired session files, session files it cannot read once they are
// older than MaxAge, and temporary files left by a crashed writer.
//
// With MaxSessions set, a new session at the cap first evicts others,
// lowest domain.Rank first (see capacity).
//
// A Repository is safe for concurrent use.
type Repository struct {
	evicted func() // Options.Evicted; nil: none
	dir     string
	maxAge  time.Duration
	maxSize int
	locks   fileLocks
	sweeper *storage.Sweeper
	cap     capacity
}

var _ domain.SessionRepository = (*Repository)(nil)
var _ domain.SessionRepositoryCloser = (*Repository)(nil)

// New creates opts.Dir if needed and checks that it is
// writable. It starts no goroutine; the sweeper starts with the first Save.
func New(opts Options) (*Repository, error) {
	if opts.Dir == "" {
		return nil, errors.New("file session repository: flamingo.session.file is empty: set flamingo.session.file to the directory that is to hold the session files")
	}
	dir := filepath.Clean(opts.Dir)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("file session repository: flamingo.session.file %q: cannot create the directory: %w (set flamingo.session.file to a directory this process can create and write)", opts.Dir, err)
	}
	if err := probe(dir); err != nil {
		return nil, fmt.Errorf("file session repository: flamingo.session.file %q: the directory is not writable: %w (make it writable for this process or set flamingo.session.file to another directory)", opts.Dir, err)
	}
	r := &Repository{dir: dir, maxAge: storage.Lifetime(opts.MaxAge), maxSize: opts.MaxSize, evicted: opts.Evicted}
	r.locks.dir = dir
	r.cap.max = max(opts.MaxSessions, 0)
	r.sweeper = storage.NewSweeper(opts.SweepInterval, r.sweep)
	return r, nil
}

// Load returns the session stored under id. An unknown, expired or malformed
// id, or a file that cannot be decoded, yields an error wrapping
// domain.ErrSessionNotFound; any other error means the file could not be
// read.
func (r *Repository) Load(ctx context.Context, id string) (*domain.Session, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("file session repository: load: %w", err)
	}
	rec, err := r.read(id, time.Now())
	if err != nil {
		return nil, fmt.Errorf("file session repository: load: %w", err)
	}
	return domain.RestoreSession(id, rec.values, rec.expiresAt), nil
}

// Save writes what changed since the session was loaded, as the
// domain.SessionRepository contract says, and starts the sweeper if it does
// not run yet. A save that regenerates a stored session whose record
// vanished since Load yields domain.ErrSessionNotFound too, and writes
// nothing. A save that would make the session, merged with keys other
// requests saved meanwhile, larger than MaxSize yields
// domain.ErrSessionTooLarge and writes nothing.
func (r *Repository) Save(ctx context.Context, s *domain.Session) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("file session repository: save: %w", err)
	}
	c, err := s.Changes(r.maxSize)
	if err != nil {
		return fmt.Errorf("file session repository: save: %w", err)
	}
	r.sweeper.Start()
	if c.New && c.PreviousID == "" {
		r.makeRoom(time.Now())
	}
	expiresAt := c.ExpiresAt(time.Now(), r.maxAge)
	if err := r.apply(c, expiresAt); err != nil {
		return fmt.Errorf("file session repository: save: %w", err)
	}
	s.Saved(c, expiresAt)
	return nil
}

// Delete removes the session file of id. Deleting a missing session, or one
// with a malformed id, is not an error.
func (r *Repository) Delete(ctx context.Context, id string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("file session repository: delete: %w", err)
	}
	if !domain.ValidSessionID(id) {
		return nil
	}
	unlock, err := r.locks.lock(id, "")
	if err == nil {
		err = r.remove(id)
		unlock()
	}
	if err != nil {
		return fmt.Errorf("file session repository: delete: %w", err)
	}
	return nil
}

// Close stops the sweeper, waits for it to end and closes the lock files.
// The repository stays usable (it opens the lock files again when needed),
// but expired files are no longer deleted in the background. Close may be
// called more than once.
func (r *Repository) Close() error {
	r.sweeper.Stop()
	if err := r.locks.close(); err != nil {
		return fmt.Errorf("file session repository: close: %w", err)
	}
	return nil
}

// Status reports whether a file can be created in the session directory.
func (r *Repository) Status() (alive bool, details string) {
	if err := probe(r.dir); err != nil {
		return false, fmt.Sprintf("file session repository: directory %s (flamingo.session.file) is not writable: %v", r.dir, err)
	}
	return true, fmt.Sprintf("file session repository: directory %s is writable", r.dir)
}

// probe creates and removes a file in dir.
func probe(dir string) error {
	f, err := os.CreateTemp(dir, ".session-probe-")
	if err != nil {
		return err
	}
	err = f.Close()
	if rmErr := os.Remove(f.Name()); err == nil {
		err = rmErr
	}
	return err
}
