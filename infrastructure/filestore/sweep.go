package filestore

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// sweep deletes, in the session directory, expired session files and
// temporary files left behind by a writer that crashed. Errors are ignored:
// what fails now is tried again at the next sweep.
func (r *Repository) sweep(now time.Time) {
	dir, err := os.Open(r.dir)
	if err != nil {
		return
	}
	defer dir.Close()
	for {
		entries, err := dir.ReadDir(256)
		for _, e := range entries {
			r.sweepEntry(e.Name(), now)
		}
		if err != nil {
			return
		}
	}
}

func (r *Repository) sweepEntry(name string, now time.Time) {
	if id, ok := sessionFileID(name); ok && r.expired(id, now) {
		r.removeLocked(id, r.path(id), func() bool { return r.expired(id, now) })
		return
	}
	if id, ok := tempFileID(name); ok {
		// A writer holds the lock from creating its temporary file until
		// it is renamed or removed, so one that exists once we hold the
		// lock is left over.
		r.removeLocked(id, filepath.Join(r.dir, name), func() bool { return true })
	}
}

// removeLocked deletes path under the lock of session id if due still
// holds then.
func (r *Repository) removeLocked(id, path string, due func() bool) {
	unlock, err := r.locks.lock(id, "")
	if err != nil {
		return
	}
	defer unlock()
	if due() {
		_ = os.Remove(path)
	}
}

// expired reports whether the session file of id is due for deletion: its
// expiry has passed or, when its header cannot be read, it was last written
// longer than MaxAge ago.
func (r *Repository) expired(id string, now time.Time) bool {
	path := r.path(id)
	expiresAt, err := readFileExpiry(path)
	if err == nil {
		return !now.Before(expiresAt)
	}
	if errors.Is(err, fs.ErrNotExist) {
		return false
	}
	info, err := os.Lstat(path)
	return err == nil && info.Mode().IsRegular() && now.Sub(info.ModTime()) > r.maxAge
}
