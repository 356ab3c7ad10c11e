package memorystore

// Corrupt overwrites every value stored under id with garbage and adds a
// garbage key, as damaged memory would; it reports whether id was stored.
// It exists for the black-box tests in package infrastructure_test.
func (r *Repository) Corrupt(id string, garbage []byte) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	rec, ok := r.records[id]
	if !ok {
		return false
	}
	corrupt := map[string][]byte{"garbage": garbage}
	for k := range rec.values.all() {
		corrupt[k] = garbage
	}
	rec.values = mapBlob(corrupt)
	r.resized(rec)
	return true
}
