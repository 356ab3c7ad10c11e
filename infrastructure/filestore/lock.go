package filestore

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
)

// lockStripes is how many lock files a session directory has. Each session
// ID maps to one of them by a hash, so that saves of different sessions
// seldom wait for each other while the set of lock files stays fixed.
const lockStripes = 32

// fileLocks serialises the read-modify-write of a session across the
// goroutines of this process and across processes. Each stripe is a mutex,
// for the goroutines, and an exclusive flock on the lock file
// ".session-lock-NN" in the session directory, for the processes (and for
// other repositories of this process that use the same directory, since
// each opens the file on its own). Lock files are never deleted: deleting
// one could let two processes lock two different files of the same name.
type fileLocks struct {
	dir     string
	stripes [lockStripes]lockStripe
}

type lockStripe struct {
	mu   sync.Mutex
	file *os.File // opened on first use, kept open until close
}

// lock locks the stripes of id and, when not empty, of other, in a fixed
// order so that two callers locking the same pair cannot deadlock. The
// returned function unlocks both.
func (l *fileLocks) lock(id, other string) (unlock func(), err error) {
	i, j := stripeOf(id), -1
	if other != "" {
		if k := stripeOf(other); k != i {
			i, j = min(i, k), max(i, k)
		}
	}
	if err := l.stripes[i].lock(l.dir, i); err != nil {
		return nil, err
	}
	if j < 0 {
		return l.stripes[i].unlock, nil
	}
	if err := l.stripes[j].lock(l.dir, j); err != nil {
		l.stripes[i].unlock()
		return nil, err
	}
	return func() { l.stripes[j].unlock(); l.stripes[i].unlock() }, nil
}

// close closes the lock files; a later lock opens them again.
func (l *fileLocks) close() error {
	var errs []error
	for i := range l.stripes {
		s := &l.stripes[i]
		s.mu.Lock()
		if s.file != nil {
			errs = append(errs, s.file.Close())
			s.file = nil
		}
		s.mu.Unlock()
	}
	return errors.Join(errs...)
}

func (s *lockStripe) lock(dir string, n int) error {
	s.mu.Lock()
	if s.file == nil {
		f, err := os.OpenFile(filepath.Join(dir, fmt.Sprintf(".session-lock-%02d", n)), os.O_RDWR|os.O_CREATE, 0o600)
		if err != nil {
			s.mu.Unlock()
			return fmt.Errorf("open lock file: %w", err)
		}
		s.file = f
	}
	if err := lockFile(s.file); err != nil {
		s.mu.Unlock()
		return fmt.Errorf("lock %s: %w", s.file.Name(), err)
	}
	return nil
}

func (s *lockStripe) unlock() {
	_ = unlockFile(s.file) // closing the file would release the lock too
	s.mu.Unlock()
}

// stripeOf maps a session ID to a stripe (FNV-1a).
func stripeOf(id string) int {
	h := uint32(2166136261)
	for i := 0; i < len(id); i++ {
		h ^= uint32(id[i])
		h *= 16777619
	}
	return int(h % lockStripes)
}
