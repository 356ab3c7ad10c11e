package domain_test

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"reflect"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/sessionauth/sessionauth/domain"
)

// TestChangesFollowAModel runs random requests on a session and its
// stored record, as a repository holds it (a map of encodings; a
// regenerating save moves it with the changes merged in), and checks
// Modified, Changes, Saved and StoredSize against what the record and the
// values say: Set holds exactly the keys whose value differs from the
// record, Deleted exactly the stored keys that are gone, undecodable
// values stay unless deleted, and after Saved nothing is modified.
func TestChangesFollowAModel(t *testing.T) {
	keys := []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l"}
	pool := []any{"x", "yy", "", 1, 2, 300, int64(7), 2.5, true, false, nil, []byte("raw"),
		[]any{"p", 1}, map[string]any{"m": 1, "n": "o", "q": true}}
	undecodable := []byte("?garbage")
	rng := rand.New(rand.NewPCG(1, 2))
	for round := range 3000 {
		// The stored record: some values, maybe some undecodable ones.
		record := map[string][]byte{}
		for _, k := range keys[:rng.IntN(len(keys))] {
			if rng.IntN(8) == 0 {
				record[k] = undecodable
			} else {
				record[k] = encode(t, pool[rng.IntN(len(pool))])
			}
		}
		s := domain.RestoreSession(domain.NewSessionID(), maps.Clone(record), time.Now().Add(time.Hour))
		for req := range 4 {
			step := fmt.Sprintf("round %d, request %d", round, req)
			regenerated := false
			for range rng.IntN(5) {
				k := keys[rng.IntN(len(keys))]
				switch rng.IntN(6) {
				case 0, 1:
					s.Store(k, pool[rng.IntN(len(pool))])
				case 2:
					s.Delete(k)
				case 3:
					delete(s.Values, k)
				case 4:
					if m, ok := s.Values[k].(map[string]any); ok {
						m["n"] = "changed in place"
					}
				case 5:
					s.Regenerate() // the record moves, with the changes merged in
					regenerated = true
				}
			}
			want, set, deleted := expected(t, s, record)
			if got := s.Modified(); got != (regenerated || len(set) > 0 || len(deleted) > 0) {
				t.Fatalf("%s: Modified() = %v; set %v, deleted %v", step, got, set, deleted)
			}
			c, err := s.Changes(0)
			if err != nil {
				t.Fatalf("%s: %v", step, err)
			}
			if got := sortedKeys(c.Set); !slices.Equal(got, set) {
				t.Fatalf("%s: Set has %v; want %v", step, got, set)
			}
			if got := slices.Sorted(slices.Values(c.Deleted)); !slices.Equal(got, deleted) {
				t.Fatalf("%s: Deleted = %v; want %v", step, got, deleted)
			}
			size := 0
			for k, b := range c.All {
				size += len(k) + len(b)
				if !sameStored(t, b, want[k]) {
					t.Fatalf("%s: All[%q] = %q; want %q", step, k, b, want[k])
				}
			}
			if len(c.All) != len(want) || c.Size != size {
				t.Fatalf("%s: All has %v (size %d, Size %d); want %v", step, sortedKeys(c.All), size, c.Size, sortedKeys(want))
			}
			// The repository writes the changes.
			for k, b := range c.Set {
				record[k] = b
			}
			for _, k := range c.Deleted {
				delete(record, k)
			}
			s.Saved(c, time.Now().Add(time.Hour))
			if s.Modified() {
				t.Fatalf("%s: Modified() right after Saved", step)
			}
			if got, want := s.StoredSize(), recordSize(record); got != want {
				t.Fatalf("%s: StoredSize() = %d; the record holds %d", step, got, want)
			}
		}
	}
}

// expected is the record a save of s must leave, by key, and the keys
// whose stored value it sets and deletes.
func expected(t *testing.T, s *domain.Session, record map[string][]byte) (want map[string][]byte, set, deleted []string) {
	t.Helper()
	want = map[string][]byte{}
	undecodable := s.UndecodableKeys()
	for _, k := range undecodable {
		want[k] = record[k]
	}
	for k, v := range s.Values {
		want[k] = encode(t, v)
		if old, ok := record[k]; !ok || slices.Contains(undecodable, k) || !sameStored(t, old, want[k]) {
			set = append(set, k)
		}
	}
	for k := range record {
		if _, ok := want[k]; !ok {
			deleted = append(deleted, k)
		}
	}
	sort.Strings(set)
	sort.Strings(deleted)
	return want, set, deleted
}

func encode(t *testing.T, v any) []byte {
	t.Helper()
	b, err := domain.EncodeValue(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// sameStored reports whether two encodings hold the same value (gob
// writes maps in random order).
func sameStored(t *testing.T, a, b []byte) bool {
	t.Helper()
	if string(a) == string(b) {
		return true
	}
	va, errA := domain.DecodeValue(a)
	vb, errB := domain.DecodeValue(b)
	return errA == nil && errB == nil && reflect.DeepEqual(va, vb)
}

func sortedKeys(m map[string][]byte) []string {
	return slices.Sorted(maps.Keys(m))
}

func recordSize(record map[string][]byte) int {
	n := 0
	for k, b := range record {
		n += len(k) + len(b)
	}
	return n
}
