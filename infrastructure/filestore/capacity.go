package filestore

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/sessionauth/sessionauth/domain"
)

// capacity keeps the count of session files below Options.MaxSessions. It
// knows each session file by the rank it had when this process created it
// (or found it in a scan of the directory), in one queue per rank; a file
// whose rank rose since is moved to its queue when met. So a new session
// at the cap evicts first a session that holds only a pending login, then
// one with only anonymous data, and a logged-in one only when no other is
// left. The count is set by each sweep and kept between sweeps by the
// creations and deletions of this process.
type capacity struct {
	max     int // 0: no cap, nothing below is kept
	mu      sync.Mutex
	count   int
	created int  // session files this process created, ever
	known   bool // count and queues were filled by a scan
	queues  [domain.RankLoggedIn + 1][]capEntry
	scanned time.Time
}

type capEntry struct {
	id        string
	expiresAt time.Time
}

// rescanEvery bounds how often a repository at its cap with empty queues
// scans the directory for files other processes created.
const rescanEvery = time.Second

// made records that this process created the session file of id.
func (c *capacity) made(id string, rank domain.Rank, expiresAt time.Time) {
	if c.max == 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.count++
	c.created++
	c.queues[rank] = append(c.queues[rank], capEntry{id: id, expiresAt: expiresAt})
}

// removed records that this process deleted a session file.
func (c *capacity) removed() {
	if c.max == 0 {
		return
	}
	c.mu.Lock()
	c.count = max(c.count-1, 0)
	c.mu.Unlock()
}

// next returns the queued session of the lowest rank, nearest to expiry
// first, while the count is at the cap; ok is false when there is room or
// nothing is known to evict. c.mu is held.
func (c *capacity) next() (e capEntry, rank domain.Rank, ok bool) {
	if c.count < c.max {
		return capEntry{}, 0, false
	}
	for rank, q := range c.queues {
		if len(q) > 0 {
			e, c.queues[rank] = q[0], q[1:]
			return e, domain.Rank(rank), true
		}
	}
	return capEntry{}, 0, false
}

// makeRoom evicts sessions, lowest rank first, until a new session file
// stays within the cap, or nothing known is left to evict. The caller
// holds no lock.
func (r *Repository) makeRoom(now time.Time) {
	if r.cap.max == 0 {
		return
	}
	for {
		r.cap.mu.Lock()
		if !r.cap.known || r.cap.count >= r.cap.max && r.cap.queued() == 0 && now.Sub(r.cap.scanned) >= rescanEvery {
			r.scan(now)
		}
		e, rank, ok := r.cap.next()
		r.cap.mu.Unlock()
		if !ok {
			return
		}
		r.evict(e, rank, now)
	}
}

// evict deletes the session file of e, queued with rank, unless its rank
// rose since: then it is queued again with its present rank.
func (r *Repository) evict(e capEntry, rank domain.Rank, now time.Time) {
	unlock, err := r.locks.lock(e.id, "")
	if err != nil {
		return
	}
	defer unlock()
	rec, err := r.read(e.id, now)
	if err == nil {
		if now := domain.RankOf(rec.values); now > rank {
			r.cap.mu.Lock()
			r.cap.queues[now] = append(r.cap.queues[now], capEntry{id: e.id, expiresAt: rec.expiresAt})
			r.cap.mu.Unlock()
			return
		}
	} else if !errors.Is(err, domain.ErrSessionNotFound) {
		return
	}
	if os.Remove(r.path(e.id)) == nil {
		r.cap.removed()
		if err == nil && r.evicted != nil {
			r.evicted()
		}
	}
}

// scan counts the session files and queues each readable one by its rank,
// nearest expiry first; c.mu is held.
func (r *Repository) scan(now time.Time) {
	entries, err := os.ReadDir(r.dir)
	if err != nil {
		return
	}
	c := &r.cap
	c.count, c.known, c.scanned = 0, true, now
	c.queues = [domain.RankLoggedIn + 1][]capEntry{}
	for _, d := range entries {
		id, ok := sessionFileID(d.Name())
		if !ok {
			continue
		}
		c.count++
		if rec, err := r.read(id, now); err == nil {
			rank := domain.RankOf(rec.values)
			c.queues[rank] = append(c.queues[rank], capEntry{id: id, expiresAt: rec.expiresAt})
		}
	}
	for _, q := range c.queues {
		slices.SortFunc(q, func(a, b capEntry) int { return a.expiresAt.Compare(b.expiresAt) })
	}
}

func (c *capacity) queued() int {
	n := 0
	for _, q := range c.queues {
		n += len(q)
	}
	return n
}

// swept sets the count after a sweep of dir that left files session
// files, begun when this process had created created of them, and drops
// the queued entries of deleted files when they are many.
func (c *capacity) swept(dir string, files, created int) {
	if c.max == 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.count = files + c.created - created
	if c.queued() > 2*c.count+64 {
		c.compact(dir)
	}
}

// compact drops the entries whose session file is gone; c.mu is held.
func (c *capacity) compact(dir string) {
	for rank, q := range c.queues {
		c.queues[rank] = slices.DeleteFunc(q, func(e capEntry) bool {
			_, err := os.Lstat(filepath.Join(dir, e.id+sessionFileSuffix))
			return errors.Is(err, fs.ErrNotExist)
		})
	}
}

// createdSoFar returns how many session files this process created.
func (c *capacity) createdSoFar() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.created
}
