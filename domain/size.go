package domain

// StoredSize is the encoded size in bytes, keys included, of the session
// as its repository last loaded or saved it; 0 for a session no
// repository holds. It costs no encoding, so telemetry may call it on
// every request.
func (s *Session) StoredSize() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, e := range s.loaded {
		n += len(e.key) + len(e.b)
	}
	for k, b := range s.opaque {
		n += len(k) + len(b)
	}
	return n
}
