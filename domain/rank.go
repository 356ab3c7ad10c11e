package domain

import (
	"strings"
	"time"
)

// Keys under which the auth layer keeps its part of a session. Repositories
// look at the names only (never at the values) to rank sessions for
// eviction and to keep a session that holds nothing but a pending login no
// longer than that login may take.
const (
	// IdentityKey holds the logged-in identity.
	IdentityKey = "sessionauth.identity"
	// SessionRecordKey holds what a logged-in session keeps about itself
	// for the list of a user's sessions (its index keys, handle, login
	// time, last seen).
	SessionRecordKey = "sessionauth.record"
	// PendingLoginPrefix starts the key of each login that waits for its
	// callback.
	PendingLoginPrefix = "sessionauth.login."
	// pendingUntilKey holds (a time.Time) when the last pending login of
	// the session expires; see HoldPending.
	pendingUntilKey = "sessionauth.pendingUntil"
	// endByKey holds (a time.Time) when the session ends whatever its
	// activity; see EndBy.
	endByKey = "sessionauth.endBy"
)

// Rank orders sessions for eviction when a repository is full: the lowest
// rank goes first.
type Rank int

const (
	// RankPending: nothing a user gave the session, at most pending logins.
	RankPending Rank = iota
	// RankData: the session holds data of an anonymous visitor.
	RankData
	// RankLoggedIn: somebody is logged in; evicted last.
	RankLoggedIn
)

// HoldPending records that a pending login in this session expires at
// until. While the session holds nothing but pending logins, its record
// lives no longer than the last of them (Changes.Deadline), so that
// anonymous login starts cost a short-lived record only. A zero until
// removes the record of it, when no login is pending any more.
func (s *Session) HoldPending(until time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if until.IsZero() {
		delete(s.Values, pendingUntilKey)
		return
	}
	if prev, ok := s.Values[pendingUntilKey].(time.Time); !ok || until.After(prev) {
		s.Values[pendingUntilKey] = until
	}
}

// EndBy sets the absolute end of the session: its record expires at end
// however often it is saved, and the session keeps this end through
// Regenerate (it is stored with the session's values). An end set before
// stays when it is earlier. The session middleware sets it for new
// sessions when an absolute lifetime is configured
// (flamingo.session.max.lifetime).
func (s *Session) EndBy(end time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if prev, ok := s.Values[endByKey].(time.Time); !ok || end.Before(prev) {
		s.Values[endByKey] = end
	}
}

// EndsAt is the absolute end set with EndBy, or zero.
func (s *Session) EndsAt() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	end, _ := s.Values[endByKey].(time.Time)
	return end
}

// RankOf returns the rank of a stored session by the names of its keys
// (the values are not looked at), for a repository that evicts sessions it
// reads back.
func RankOf[V any](keys map[string]V) Rank {
	if _, ok := keys[IdentityKey]; ok {
		return RankLoggedIn
	}
	for k := range keys {
		if k != pendingUntilKey && k != endByKey && !strings.HasPrefix(k, PendingLoginPrefix) {
			return RankData
		}
	}
	return RankPending
}

// rank returns the rank of a session holding keys, and the deadline of
// its record (zero for none): the absolute end (EndBy), and for a session
// that holds nothing but pending logins the end of the last of them.
func rank(keys map[string][]byte, values map[string]any) (Rank, time.Time) {
	end, _ := values[endByKey].(time.Time)
	r := RankOf(keys)
	if r != RankPending {
		return r, end
	}
	if until, ok := values[pendingUntilKey].(time.Time); ok && (end.IsZero() || until.Before(end)) {
		end = until
	}
	return RankPending, end
}
