package memorystore

import (
	"encoding/binary"
	"fmt"
	"iter"
	"maps"
	"unsafe"

	"github.com/sessionauth/sessionauth/domain"
)

// blob is the values of one stored session in one byte slice: for each
// key, its length as a uvarint, the key, the value's length as a uvarint
// and the value (domain's encoding). One allocation per saved session
// instead of a map and its entries; a save makes a new blob, so a blob
// never changes once stored, and the sessions that Load builds keep its
// keys and values without copying them.
type blob []byte

// newBlob encodes entries, which take size bytes encoded (see
// encodedLen).
func newBlob(size int, entries iter.Seq2[string, []byte]) blob {
	b := make(blob, 0, size)
	for k, v := range entries {
		b = binary.AppendUvarint(b, uint64(len(k)))
		b = append(b, k...)
		b = binary.AppendUvarint(b, uint64(len(v)))
		b = append(b, v...)
	}
	return b
}

// encodedLen is what the key k and the value v take in a blob.
func encodedLen(k string, v []byte) int {
	var buf [binary.MaxVarintLen64]byte
	return binary.PutUvarint(buf[:], uint64(len(k))) + len(k) + binary.PutUvarint(buf[:], uint64(len(v))) + len(v)
}

// mapBlob encodes the values of a map.
func mapBlob(values map[string][]byte) blob {
	size := 0
	for k, v := range values {
		size += encodedLen(k, v)
	}
	return newBlob(size, maps.All(values))
}

// all yields the keys and values of b. The keys are strings over b's own
// bytes, which never change.
func (b blob) all() iter.Seq2[string, []byte] {
	return func(yield func(string, []byte) bool) {
		for len(b) > 0 {
			var k, v []byte
			k, b = b.next()
			v, b = b.next()
			if !yield(unsafe.String(unsafe.SliceData(k), len(k)), v[:len(v):len(v)]) {
				return
			}
		}
	}
}

// next splits off one length-prefixed part. A blob is only ever made by
// newBlob, so it is well-formed.
func (b blob) next() ([]byte, blob) {
	n, w := binary.Uvarint(b)
	return b[w : w+int(n)], b[w+int(n):]
}

// len counts the keys of b.
func (b blob) len() int {
	n := 0
	for range b.all() {
		n++
	}
	return n
}

// merged is b with the keys c sets and deletes applied. When maxSize > 0
// and the merged session would be larger (keys and values, as
// domain.Changes counts), it returns an error wrapping
// domain.ErrSessionTooLarge.
func (b blob) merged(c *domain.Changes, maxSize int) (blob, error) {
	var deleted map[string]bool
	if len(c.Deleted) > 0 {
		deleted = make(map[string]bool, len(c.Deleted))
		for _, k := range c.Deleted {
			deleted[k] = true
		}
	}
	size, encoded := 0, 0
	keep := func(yield func(string, []byte) bool) {
		for k, v := range b.all() {
			if _, set := c.Set[k]; !set && !deleted[k] && !yield(k, v) {
				return
			}
		}
		for k, v := range c.Set {
			if !yield(k, v) {
				return
			}
		}
	}
	for k, v := range keep {
		size += len(k) + len(v)
		encoded += encodedLen(k, v)
	}
	if maxSize > 0 && size > maxSize {
		return nil, fmt.Errorf("%w: %d bytes encoded together with the keys saved meanwhile by other requests, the limit is %d (flamingo.session.store.length)",
			domain.ErrSessionTooLarge, size, maxSize)
	}
	return newBlob(encoded, keep), nil
}
