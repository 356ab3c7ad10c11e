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
	created, files := r.cap.createdSoFar(), 0
	for {
		entries, err := dir.ReadDir(256)
		for _, e := range entries {
			if r.sweepEntry(e.Name(), now) {
				files++
			}
		}
		if err != nil {
			r.cap.swept(r.dir, files, created)
			return
		}
	}
}

// sweepEntry deletes the file name if it is due and reports whether it is
// a session file that stays.
func (r *Repository) sweepEntry(name string, now time.Time) bool {
	if id, ok := sessionFileID(name); ok {
		if r.expired(id, now) {
			return !r.removeLocked(id, r.path(id), func() bool { return r.expired(id, now) })
		}
		return true
	}
	if id, ok := tempFileID(name); ok {
		// A writer holds the lock from creating its temporary file until
		// it is renamed or removed, so one that exists once we hold the
		// lock is left over.
		r.removeLocked(id, filepath.Join(r.dir, name), func() bool { return true })
	}
	return false
}

// removeLocked deletes path under the lock of session id if due still
// holds then, and reports whether it did.
func (r *Repository) removeLocked(id, path string, due func() bool) bool {
	unlock, err := r.locks.lock(id, "")
	if err != nil {
		return false
	}
	defer unlock()
	return due() && os.Remove(path) == nil
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
