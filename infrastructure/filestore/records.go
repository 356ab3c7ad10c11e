package filestore

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/infrastructure/internal/storage"
)

const (
	sessionFileSuffix = ".session"
	tempFileInfix     = ".session.tmp"
)

// apply carries out c under the lock of its session (and of the session it
// regenerates).
func (r *Repository) apply(c *domain.Changes, expiresAt time.Time) error {
	unlock, err := r.locks.lock(c.ID, c.PreviousID)
	if err != nil {
		return err
	}
	defer unlock()
	if c.Destroy {
		return errors.Join(r.remove(c.ID), r.remove(c.PreviousID))
	}
	values, err := r.next(c, time.Now())
	if err != nil {
		return err
	}
	if err := r.write(c.ID, values, expiresAt); err != nil {
		return err
	}
	if c.New {
		r.cap.made(c.ID, domain.RankOf(values), expiresAt)
	}
	return r.remove(c.PreviousID)
}

// next returns the values the session file is to hold after c: All for a
// new session, else the stored values (of the previous ID for a
// regenerated session) with c merged in. A stored session that vanished
// (or a regenerated one whose old file vanished) yields
// domain.ErrSessionNotFound.
func (r *Repository) next(c *domain.Changes, now time.Time) (map[string][]byte, error) {
	stored := c.ID
	switch {
	case c.PreviousID != "":
		stored = c.PreviousID
	case c.New:
		return c.All, nil
	}
	rec, err := r.read(stored, now)
	if err != nil {
		return nil, err
	}
	c.Merged = c.SavedSinceLoad(rec.expiresAt) && c.MergesOthers(maps.All(rec.values))
	return rec.values, storage.Merge(rec.values, c, r.maxSize)
}

// read returns the unexpired session stored under id. Whatever makes it
// not a session (a malformed id, no file, an undecodable or expired one)
// yields an error wrapping domain.ErrSessionNotFound.
func (r *Repository) read(id string, now time.Time) (fileRecord, error) {
	if !domain.ValidSessionID(id) {
		return fileRecord{}, domain.ErrSessionNotFound
	}
	b, err := os.ReadFile(r.path(id))
	if errors.Is(err, fs.ErrNotExist) {
		return fileRecord{}, domain.ErrSessionNotFound
	}
	if err != nil {
		return fileRecord{}, err
	}
	rec, err := decodeFile(b)
	if err != nil {
		return fileRecord{}, fmt.Errorf("%w: %v", domain.ErrSessionNotFound, err)
	}
	if !now.Before(rec.expiresAt) {
		return fileRecord{}, domain.ErrSessionNotFound
	}
	return rec, nil
}

// write replaces the session file of id atomically: a temporary file in the
// same directory, synced, then renamed over it. The caller holds the lock.
func (r *Repository) write(id string, values map[string][]byte, expiresAt time.Time) error {
	if !domain.ValidSessionID(id) {
		return domain.ErrInvalidSessionID
	}
	f, err := os.CreateTemp(r.dir, "."+id+tempFileInfix)
	if err != nil {
		return err
	}
	_, err = f.Write(encodeFile(values, expiresAt))
	if err == nil {
		err = f.Sync()
	}
	if closeErr := f.Close(); err == nil {
		err = closeErr
	}
	if err == nil {
		err = os.Rename(f.Name(), r.path(id))
	}
	if err != nil {
		_ = os.Remove(f.Name())
	}
	return err
}

// remove deletes the session file of id; a missing file or an empty or
// malformed id is nothing to do. The caller holds the lock.
func (r *Repository) remove(id string) error {
	if !domain.ValidSessionID(id) {
		return nil
	}
	err := os.Remove(r.path(id))
	if err == nil {
		r.cap.removed()
	}
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

func (r *Repository) path(id string) string {
	return filepath.Join(r.dir, id+sessionFileSuffix)
}

// sessionFileID returns the session ID of a session file name.
func sessionFileID(name string) (string, bool) {
	id, ok := strings.CutSuffix(name, sessionFileSuffix)
	return id, ok && domain.ValidSessionID(id)
}

// tempFileID returns the session ID of a temporary file name.
func tempFileID(name string) (string, bool) {
	rest, ok := strings.CutPrefix(name, ".")
	if !ok || len(rest) < domain.SessionIDLength {
		return "", false
	}
	id := rest[:domain.SessionIDLength]
	return id, domain.ValidSessionID(id) && strings.HasPrefix(rest[len(id):], tempFileInfix)
}
