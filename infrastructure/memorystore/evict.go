package memorystore

import (
	"time"

	"github.com/sessionauth/sessionauth/domain"
)

// evictionSample is how many records one eviction round looks at.
const evictionSample = 16

// lowRanks holds, for each rank below domain.RankLoggedIn, an entry per
// save of a record with that rank, oldest first. An entry is stale, and
// skipped when met, once its record is gone or saved again.
type lowRanks [domain.RankLoggedIn][]lowEntry

type lowEntry struct {
	id  string
	rec *record
	seq uint64
}

// ranked records a save of rec, stored under id, with rank; r.mu must be
// held for writing. Only a capped repository keeps the queues.
func (r *Repository) ranked(id string, rec *record, rank domain.Rank) {
	r.seq++
	rec.rank, rec.seq = rank, r.seq
	if r.opts.MaxSessions <= 0 && r.opts.MaxBytes <= 0 || rank >= domain.RankLoggedIn {
		return
	}
	q := append(r.low[rank], lowEntry{id: id, rec: rec, seq: rec.seq})
	if len(q) > 2*len(r.records)+evictionSample {
		q = r.compact(q)
	}
	r.low[rank] = q
}

// current reports whether e is the latest save of a stored record.
func (r *Repository) current(e lowEntry) bool {
	rec, ok := r.records[e.id]
	return ok && rec == e.rec && rec.seq == e.seq
}

// compact drops the stale entries of q, keeping the order.
func (r *Repository) compact(q []lowEntry) []lowEntry {
	kept := q[:0]
	for _, e := range q {
		if r.current(e) {
			kept = append(kept, e)
		}
	}
	clear(q[len(kept):])
	return kept
}

// evictLow evicts the expired records at the front of the queue of the
// lowest rank that has a record, or else its least recently saved one, and
// reports whether it evicted any; r.mu must be held for writing.
func (r *Repository) evictLow(now time.Time) bool {
	for rank := range r.low {
		q, evicted := r.low[rank], false
		for len(q) > 0 {
			e := q[0]
			if !r.current(e) {
				q[0], q = lowEntry{}, q[1:]
				continue
			}
			if evicted && now.Before(e.rec.expiresAt) {
				break
			}
			r.remove(e.id)
			q[0], q, evicted = lowEntry{}, q[1:], true
		}
		r.low[rank] = q
		if evicted {
			return true
		}
	}
	return false
}

// evictSample looks at up to evictionSample records, evicts the expired
// ones among them and, if the repository is still full, the one of the
// lowest rank nearest to expiry. Each call evicts at least one record of a
// non-empty repository.
func (r *Repository) evictSample(now time.Time) {
	var nearest string
	var worst *record
	seen := 0
	for id, rec := range r.records {
		switch {
		case !now.Before(rec.expiresAt):
			r.remove(id)
		case worst == nil || rec.rank < worst.rank || rec.rank == worst.rank && rec.expiresAt.Before(worst.expiresAt):
			nearest, worst = id, rec
		}
		if seen++; seen == evictionSample {
			break
		}
	}
	if worst != nil && r.full(0) {
		r.remove(nearest)
	}
}
