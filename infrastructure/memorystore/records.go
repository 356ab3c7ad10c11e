package memorystore

import (
	"time"

	"github.com/sessionauth/sessionauth/domain"
)

// apply carries out c; r.mu must be held for writing.
func (r *Repository) apply(c *domain.Changes, now, expiresAt time.Time) error {
	if c.Destroy {
		r.remove(c.ID)
		r.remove(c.PreviousID)
		return nil
	}
	if c.PreviousID != "" {
		return r.move(c, now, expiresAt)
	}
	if c.New {
		rec := &record{values: mapBlob(c.All), expiresAt: expiresAt}
		r.insert(c.ID, rec, now)
		r.ranked(c.ID, rec, c.Rank)
		return nil
	}
	rec := r.live(c.ID, now)
	if rec == nil {
		return domain.ErrSessionNotFound
	}
	c.Merged = c.SavedSinceLoad(rec.expiresAt) && c.MergesOthers(rec.values.all())
	if len(c.Set) > 0 || len(c.Deleted) > 0 {
		values, err := rec.values.merged(c, r.opts.MaxSize)
		if err != nil {
			return err
		}
		rec.values = values
		r.resized(rec)
	}
	rec.expiresAt = expiresAt
	r.ranked(c.ID, rec, c.Rank)
	return nil
}

// move carries out a regenerating save: the record of c.PreviousID, as it
// is now, with c merged in, moves to c.ID; r.mu must be held for writing.
func (r *Repository) move(c *domain.Changes, now, expiresAt time.Time) error {
	rec := r.live(c.PreviousID, now)
	if rec == nil {
		return domain.ErrSessionNotFound
	}
	c.Merged = c.SavedSinceLoad(rec.expiresAt) && c.MergesOthers(rec.values.all())
	values, err := rec.values.merged(c, r.opts.MaxSize)
	if err != nil {
		return err
	}
	rec.values = values
	r.remove(c.PreviousID)
	rec.expiresAt = expiresAt
	r.insert(c.ID, rec, now)
	r.ranked(c.ID, rec, c.Rank)
	return nil
}

// live returns the unexpired record stored under id, or nil; r.mu must be
// held.
func (r *Repository) live(id string, now time.Time) *record {
	rec, ok := r.records[id]
	if !ok || !now.Before(rec.expiresAt) {
		return nil
	}
	return rec
}

// insert stores rec under id, first making room when a new record would
// exceed MaxSessions or MaxBytes; r.mu must be held for writing.
func (r *Repository) insert(id string, rec *record, now time.Time) {
	rec.size = len(rec.values)
	if _, exists := r.records[id]; !exists {
		for len(r.records) > 0 && r.full(rec.size) {
			before := len(r.records)
			if !r.evictLow(now) {
				r.evictSample(now)
			}
			r.evicted(before - len(r.records))
		}
	}
	r.remove(id)
	r.records[id] = rec
	r.bytes += rec.size
}

// full reports whether adding a record of size bytes would exceed a cap;
// r.mu must be held.
func (r *Repository) full(size int) bool {
	return r.opts.MaxSessions > 0 && len(r.records) >= r.opts.MaxSessions ||
		r.opts.MaxBytes > 0 && r.bytes+size > r.opts.MaxBytes
}

// remove deletes the record of id, if any; r.mu must be held for writing.
func (r *Repository) remove(id string) {
	if rec, ok := r.records[id]; ok {
		r.bytes -= rec.size
		delete(r.records, id)
	}
}

// resized accounts for a record whose values were replaced; r.mu must be
// held for writing.
func (r *Repository) resized(rec *record) {
	r.bytes += len(rec.values) - rec.size
	rec.size = len(rec.values)
}

// sweep evicts every record expired at now. It finds them under the read
// lock, so that loads go on meanwhile, and takes the write lock only to
// delete those still expired.
func (r *Repository) sweep(now time.Time) {
	var expired []string
	r.mu.RLock()
	for id, rec := range r.records {
		if !now.Before(rec.expiresAt) {
			expired = append(expired, id)
		}
	}
	r.mu.RUnlock()
	if len(expired) == 0 {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, id := range expired {
		if r.live(id, now) == nil {
			r.remove(id)
		}
	}
}

// evicted reports n sessions evicted to make room to Options.Evicted.
func (r *Repository) evicted(n int) {
	if r.opts.Evicted == nil {
		return
	}
	for range n {
		r.opts.Evicted()
	}
}
