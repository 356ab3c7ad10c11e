package domain

import (
	"iter"
	"maps"
	"sort"
	"sync"
	"time"
)

// flashKey is where AddFlash keeps messages when no name is given; the same
// key gorilla/sessions uses, so sessions shared with gorilla code agree.
const flashKey = "_flash"

// Session is one visitor's web session. Values is the data; assigning to it,
// or calling Store, Delete or AddFlash, is enough: the session middleware
// saves what changed when the request ends. Values must be encodable with
// encoding/gob (register custom types with gob.Register).
//
// The methods are safe for concurrent use; direct access to Values is not
// synchronised, as with any Go map.
type Session struct {
	Values map[string]any

	mu         sync.Mutex
	id         string
	stored     bool              // the repository holds this session
	loaded     []storedValue     // encoding of each value as last loaded or saved, one per key
	opaque     map[string][]byte // stored values that could not be decoded
	expiresAt  time.Time
	regenerate bool
	destroy    bool
	merged     bool // the last save merged other requests' changes
}

// storedValue is the encoding of one value of a session as its repository
// holds it. A session keeps them in a slice rather than a map: one
// allocation per load instead of a map's several, and every use goes
// through them in a row (only saves look keys up, in the maps of their
// Changes).
type storedValue struct {
	key string
	b   []byte
}

// NewSession returns an empty session that no repository holds yet. Its ID is
// made when first asked for.
func NewSession() *Session {
	return &Session{Values: make(map[string]any)}
}

// RestoreSession rebuilds a stored session from its encoded values; it is
// what a SessionRepository's Load returns. Values that cannot be decoded (an
// unregistered type, garbage) are left out of Values but kept in the store
// untouched; UndecodableKeys names them. The session keeps the byte
// slices of data: they must not change afterwards.
func RestoreSession(id string, data map[string][]byte, expiresAt time.Time) *Session {
	return RestoreSessionSeq(id, len(data), maps.All(data), expiresAt)
}

// RestoreSessionSeq is RestoreSession for values that a repository reads
// one after another from an encoding of its own, without a map between;
// n is their number (a hint). The session keeps the keys and byte slices
// it is given: they must not change afterwards.
func RestoreSessionSeq(id string, n int, data iter.Seq2[string, []byte], expiresAt time.Time) *Session {
	s := &Session{Values: make(map[string]any, n), id: id, stored: true, loaded: make([]storedValue, 0, n), expiresAt: expiresAt}
	for k, b := range data {
		s.restoreValue(k, b, false)
	}
	return s
}

// RestoreSessionShared is RestoreSessionSeq for a repository whose byte
// slices are each an allocation of its own that nothing else uses, such as
// the strings of a Redis client's reply: the session's string values share
// those bytes instead of copying them. A string a handler keeps then keeps
// the bytes of its value alive, and nothing more. Where values are slices
// of one larger buffer (a whole record), use RestoreSessionSeq, so that a
// string kept does not keep the record.
func RestoreSessionShared(id string, n int, data iter.Seq2[string, []byte], expiresAt time.Time) *Session {
	s := &Session{Values: make(map[string]any, n), id: id, stored: true, loaded: make([]storedValue, 0, n), expiresAt: expiresAt}
	for k, b := range data {
		s.restoreValue(k, b, true)
	}
	return s
}

// restoreValue adds one stored value to a session being restored. With
// the loop's body this small, RestoreSessionSeq and RestoreSessionShared
// are inlined, with the repository's iterator, into its Load, where the
// loop then needs no allocation.
func (s *Session) restoreValue(k string, b []byte, share bool) {
	v, err := decodeValue(b, share)
	if err != nil {
		if s.opaque == nil {
			s.opaque = make(map[string][]byte)
		}
		s.opaque[k] = b
		return
	}
	before := len(s.Values)
	s.Values[k] = v
	if len(s.Values) > before {
		s.loaded = append(s.loaded, storedValue{k, b})
	} else {
		s.setLoaded(k, b) // a key given twice: the last one counts, as in a map
	}
}

// setLoaded records b as the loaded encoding of key; s.mu must be held.
func (s *Session) setLoaded(key string, b []byte) {
	for i := range s.loaded {
		if s.loaded[i].key == key {
			s.loaded[i].b = b
			return
		}
	}
	s.loaded = append(s.loaded, storedValue{key, b})
}

// ID returns the session ID. After Regenerate it is the new ID.
func (s *Session) ID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.id == "" {
		s.id = NewSessionID()
	}
	return s.id
}

// IsNew reports whether no repository holds this session yet.
func (s *Session) IsNew() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return !s.stored
}

// ExpiresAt is when the stored session expires unless saved again; zero for a
// new session.
func (s *Session) ExpiresAt() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.expiresAt
}

// UndecodableKeys lists stored keys whose values could not be decoded. They
// stay in the store unless overwritten or deleted with Delete.
func (s *Session) UndecodableKeys() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return sortedKeys(s.opaque)
}

// Load returns the value stored under key.
func (s *Session) Load(key string) (any, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.Values[key]
	return v, ok
}

// Try returns the value stored under key, or nil.
func (s *Session) Try(key string) any {
	v, _ := s.Load(key)
	return v
}

// Store sets key to value and returns the session for chaining.
func (s *Session) Store(key string, value any) *Session {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.Values[key] = value
	return s
}

// Delete removes key, including a stored value that could not be decoded.
func (s *Session) Delete(key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.Values, key)
	if b, ok := s.opaque[key]; ok {
		delete(s.opaque, key)
		s.setLoaded(key, b) // gone from Values now, so saved as deleted
	}
}

// Keys returns the keys of Values, sorted.
func (s *Session) Keys() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return sortedKeys(s.Values)
}

// AddFlash appends a flash message, under the name vars[0] when given.
func (s *Session) AddFlash(value any, vars ...string) {
	key := flashName(vars)
	s.mu.Lock()
	defer s.mu.Unlock()
	flashes, _ := s.Values[key].([]any)
	s.Values[key] = append(flashes, value)
}

// Flashes returns the flash messages (of the name vars[0] when given) and
// removes them from the session.
func (s *Session) Flashes(vars ...string) []any {
	key := flashName(vars)
	s.mu.Lock()
	defer s.mu.Unlock()
	flashes, _ := s.Values[key].([]any)
	delete(s.Values, key)
	return flashes
}

// Regenerate gives the session a new ID on the next save. Its data is kept
// and the old ID is deleted from the repository. Call it whenever the
// privilege of the session changes, such as at login.
func (s *Session) Regenerate() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.regenerate = true
}

// Destroy marks the session for removal: the next save deletes it from the
// repository and the middleware expires the cookie.
func (s *Session) Destroy() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.destroy = true
}

// Destroyed reports whether Destroy was called.
func (s *Session) Destroyed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.destroy
}

func flashName(vars []string) string {
	if len(vars) > 0 {
		return vars[0]
	}
	return flashKey
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
