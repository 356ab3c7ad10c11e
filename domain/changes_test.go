package domain_test

import (
	"errors"
	"testing"
	"time"

	"github.com/sessionauth/sessionauth/domain"
)

// stored returns a session as a repository loads it, holding a and b.
func stored(t *testing.T) *domain.Session {
	t.Helper()
	a, err := domain.EncodeValue("1")
	if err != nil {
		t.Fatal(err)
	}
	return domain.RestoreSession(domain.NewSessionID(), map[string][]byte{"a": a, "b": a}, time.Now().Add(time.Hour))
}

// Empty tells a repository that a save has nothing to write but the
// expiry.
func TestChangesEmpty(t *testing.T) {
	tests := []struct {
		name   string
		change func(s *domain.Session)
		empty  bool
	}{
		{"untouched", func(*domain.Session) {}, true},
		{"stored again unchanged", func(s *domain.Session) { s.Store("a", "1") }, true},
		{"value changed", func(s *domain.Session) { s.Store("a", "2") }, false},
		{"value added", func(s *domain.Session) { s.Store("c", "3") }, false},
		{"value deleted", func(s *domain.Session) { s.Delete("b") }, false},
		{"regenerated", func(s *domain.Session) { s.Regenerate() }, false},
		{"destroyed", func(s *domain.Session) { s.Destroy() }, false},
	}
	for _, tc := range tests {
		s := stored(t)
		tc.change(s)
		c, err := s.Changes(0)
		if err != nil {
			t.Fatal(err)
		}
		if c.Empty() != tc.empty {
			t.Errorf("%s: Empty() = %v, want %v (changes %+v)", tc.name, c.Empty(), tc.empty, c)
		}
	}
	if c, _ := domain.NewSession().Changes(0); c.Empty() {
		t.Error("a new session's changes are empty: it would never be created")
	}
}

// The size limit admits a session of exactly that size.
func TestChangesSizeLimitIsInclusive(t *testing.T) {
	s := stored(t)
	s.Store("c", "some value")
	c, err := s.Changes(0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Changes(c.Size); err != nil {
		t.Errorf("limit %d, session of %d bytes: %v, want it saved", c.Size, c.Size, err)
	}
	if _, err := s.Changes(c.Size - 1); !errors.Is(err, domain.ErrSessionTooLarge) {
		t.Errorf("limit %d, session of %d bytes: %v, want ErrSessionTooLarge", c.Size-1, c.Size, err)
	}
}

// A session with more undecodable values than decodable ones is saved
// with all of them.
func TestChangesKeepMoreUndecodableThanValues(t *testing.T) {
	garbage := []byte{0xff, 0x00}
	s := domain.RestoreSession(domain.NewSessionID(), map[string][]byte{"x": garbage, "y": garbage, "z": garbage}, time.Now().Add(time.Hour))
	s.Store("a", "1")
	c, err := s.Changes(0)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.All) != 4 || string(c.All["x"]) != string(garbage) {
		t.Errorf("record = %v, want a and the three undecodable values untouched", c.All)
	}
}

// A repository evicts by rank and lets a session that holds nothing but
// pending logins live no longer than the last of them.
func TestRankAndDeadline(t *testing.T) {
	until := time.Now().Add(10 * time.Minute)
	end := time.Now().Add(time.Hour)
	tests := []struct {
		name     string
		fill     func(s *domain.Session)
		rank     domain.Rank
		deadline time.Time
	}{
		{"empty", func(*domain.Session) {}, domain.RankPending, time.Time{}},
		{"pending login", func(s *domain.Session) {
			s.Store(domain.PendingLoginPrefix+"x", "1")
			s.HoldPending(until)
		}, domain.RankPending, until},
		{"pending login and an end", func(s *domain.Session) { s.HoldPending(until); s.EndBy(end) }, domain.RankPending, until},
		{"pending login after the end", func(s *domain.Session) { s.HoldPending(end); s.EndBy(until) }, domain.RankPending, until},
		{"only an end", func(s *domain.Session) { s.EndBy(end) }, domain.RankPending, end},
		{"data beside a pending login", func(s *domain.Session) { s.Store("cart", "1"); s.HoldPending(until) }, domain.RankData, time.Time{}},
		{"data with an end", func(s *domain.Session) { s.Store("cart", "1"); s.HoldPending(until); s.EndBy(end) }, domain.RankData, end},
		{"logged in", func(s *domain.Session) { s.Store(domain.IdentityKey, "1"); s.HoldPending(until) }, domain.RankLoggedIn, time.Time{}},
	}
	for _, tc := range tests {
		s := domain.NewSession()
		tc.fill(s)
		c, err := s.Changes(0)
		if err != nil {
			t.Fatal(err)
		}
		if c.Rank != tc.rank || !c.Deadline.Equal(tc.deadline) || domain.RankOf(c.All) != tc.rank {
			t.Errorf("%s: rank %v (RankOf %v), deadline %v; want %v, %v", tc.name, c.Rank, domain.RankOf(c.All), c.Deadline, tc.rank, tc.deadline)
		}
	}
}

// A record that holds a key twice restores to its last value, and the
// session is unmodified until something changes.
func TestRestoreKeyGivenTwice(t *testing.T) {
	one, _ := domain.EncodeValue("1")
	two, _ := domain.EncodeValue("2")
	s := domain.RestoreSessionSeq(domain.NewSessionID(), 2, func(yield func(string, []byte) bool) {
		_ = yield("a", one) && yield("a", two)
	}, time.Now().Add(time.Hour))
	if v, _ := s.Load("a"); v != "2" || s.Modified() {
		t.Errorf("a = %v, modified %v; want 2, unmodified", v, s.Modified())
	}
	if c, _ := s.Changes(0); !c.Empty() {
		t.Errorf("changes %+v, want none", c)
	}
}
