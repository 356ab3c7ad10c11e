package storage_test

import (
	"maps"
	"testing"

	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/infrastructure/internal/storage"
)

// FuzzMerge merges arbitrary changes into arbitrary stored values:
// MergedSize must be the size of the merged values (keys and values), and
// Merge must refuse exactly the merges over the limit, changing nothing
// then.
func FuzzMerge(f *testing.F) {
	f.Add([]byte("a=1;b=22;c="), []byte("b=333;d=4"), []byte("a;x"), 10)
	f.Add([]byte(""), []byte("k=v"), []byte(""), 0)
	f.Add([]byte("k=vvvvvvvv"), []byte("k=v"), []byte("k"), 3)
	f.Fuzz(func(t *testing.T, stored, set, deleted []byte, limit int) {
		values := pairs(stored)
		c := &domain.Changes{Set: pairs(set)}
		for k := range pairs(deleted) {
			c.Deleted = append(c.Deleted, k)
		}
		want := maps.Clone(values)
		maps.Copy(want, c.Set)
		for _, k := range c.Deleted {
			delete(want, k)
		}
		size := 0
		for k, v := range want {
			size += len(k) + len(v)
		}
		if got := storage.MergedSize(values, c); got != size {
			t.Fatalf("MergedSize = %d; the merged values have %d bytes", got, size)
		}
		before := maps.Clone(values)
		err := storage.Merge(values, c, limit)
		switch over := limit > 0 && size > limit; {
		case over && (err == nil || !maps.EqualFunc(values, before, eq)):
			t.Fatalf("merge to %d bytes over the limit %d: err %v, values changed %v", size, limit, err, !maps.EqualFunc(values, before, eq))
		case !over && (err != nil || !maps.EqualFunc(values, want, eq)):
			t.Fatalf("merge to %d bytes within the limit %d: err %v, values %q; want %q", size, limit, err, values, want)
		}
	})
}

// pairs reads "k=v;k=v" (a key without "=" has an empty value).
func pairs(b []byte) map[string][]byte {
	m := map[string][]byte{}
	for len(b) > 0 {
		end := len(b)
		for i, c := range b {
			if c == ';' {
				end = i
				break
			}
		}
		entry := b[:end]
		k, v := entry, []byte{}
		for i, c := range entry {
			if c == '=' {
				k, v = entry[:i], entry[i+1:]
				break
			}
		}
		m[string(k)] = v
		if end == len(b) {
			break
		}
		b = b[end+1:]
	}
	return m
}

func eq(a, b []byte) bool { return string(a) == string(b) }
