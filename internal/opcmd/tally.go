package opcmd

import (
	"crypto/sha256"
	"encoding/hex"
	"sort"
	"strings"
	"time"

	"github.com/sessionauth/sessionauth/domain"
)

// The kinds of session stats counts.
const (
	KindAnonymous = "anonymous"
	KindPending   = "pending login"
	KindLoggedIn  = "logged in"
)

// kinds in the order stats prints them.
var kinds = []string{KindLoggedIn, KindPending, KindAnonymous}

// KindOf is the kind of a session holding keys: logged in with an
// identity, pending login with a login waiting for its callback and no
// identity, anonymous otherwise.
func KindOf(keys []string) string {
	kind := KindAnonymous
	for _, k := range keys {
		switch {
		case k == domain.IdentityKey:
			return KindLoggedIn
		case strings.HasPrefix(k, domain.PendingLoginPrefix):
			kind = KindPending
		}
	}
	return kind
}

// Count is a number of sessions and their bytes.
type Count struct {
	Sessions int `json:"sessions"`
	Bytes    int `json:"bytes"`
}

// Sized is one session among the largest: its ID masked.
type Sized struct {
	Session string `json:"session"` // MaskID of the session ID
	Kind    string `json:"kind"`
	Bytes   int    `json:"bytes"`
}

// Bucket is one bar of the expiry histogram: sessions that expire within
// Within (and after the previous bucket's).
type Bucket struct {
	Within   string `json:"within"`
	Sessions int    `json:"sessions"`
}

// expiryBounds are the bounds of the expiry histogram's buckets; the last
// bucket takes the rest.
var expiryBounds = []struct {
	label string
	d     time.Duration
}{{"1 hour", time.Hour}, {"1 day", 24 * time.Hour}, {"7 days", 7 * 24 * time.Hour}, {"30 days", 30 * 24 * time.Hour}}

// largestKept is how many of the largest sessions a tally keeps.
const largestKept = 10

// Tally counts sessions by kind, bytes and expiry.
type Tally struct {
	Total   Count            `json:"total"`
	Kinds   map[string]Count `json:"kinds"`
	Largest []Sized          `json:"largest"`
	Expiry  []Bucket         `json:"expiry"`
	Skipped int              `json:"skipped"` // keys or files that are not sessions, or ended while counted
}

// NewTally returns an empty tally.
func NewTally() *Tally {
	t := &Tally{Kinds: map[string]Count{}, Largest: []Sized{}}
	for _, b := range expiryBounds {
		t.Expiry = append(t.Expiry, Bucket{Within: b.label})
	}
	t.Expiry = append(t.Expiry, Bucket{Within: "later"})
	return t
}

// Add counts s, as of now.
func (t *Tally) Add(s *domain.Session, now time.Time) {
	keys := append(s.Keys(), s.UndecodableKeys()...)
	kind, size := KindOf(keys), s.StoredSize()
	t.Total.Sessions++
	t.Total.Bytes += size
	c := t.Kinds[kind]
	c.Sessions++
	c.Bytes += size
	t.Kinds[kind] = c
	t.Expiry[bucket(s.ExpiresAt().Sub(now))].Sessions++
	t.Largest = append(t.Largest, Sized{Session: MaskID(s.ID()), Kind: kind, Bytes: size})
	sort.SliceStable(t.Largest, func(i, j int) bool { return t.Largest[i].Bytes > t.Largest[j].Bytes })
	if len(t.Largest) > largestKept {
		t.Largest = t.Largest[:largestKept]
	}
}

func bucket(left time.Duration) int {
	for i, b := range expiryBounds {
		if left <= b.d {
			return i
		}
	}
	return len(expiryBounds)
}

// MaskID names a session without showing its ID, not even a part of it:
// a short hash, the same for the same ID on every run, to tell sessions
// apart. --reveal shows the IDs themselves.
func MaskID(id string) string {
	sum := sha256.Sum256([]byte("sessionauth session " + id))
	return "#" + hex.EncodeToString(sum[:6])
}
