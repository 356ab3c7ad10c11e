package cookiestore

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"
)

// A record is what a set of cookies seals: the session's ID, when it
// expires (the earlier of its idle and its absolute end) and its encoded
// values. Its plain form starts with a flags byte; the record is packed
// (see pack) when that makes it shorter, and DEFLATEd when that saves a
// cookie (see codec.sealRecord).
type record struct {
	id      string
	expires time.Time
	values  map[string][]byte
}

// Flags of the plain form: flagFlate, the rest is a raw DEFLATE stream;
// flagPacked, what it holds is packed (see pack).
const (
	flagFlate  byte = 1
	flagPacked byte = 2
)

var errBadRecord = errors.New("malformed record")

func (r *record) encode(compress bool) []byte {
	body := r.body()
	if !compress || len(body) < minCompress+1 {
		return body
	}
	if packed := appendPack(append(make([]byte, 0, len(body)), flagPacked), body[1:]); len(packed) < len(body) {
		return packed
	}
	return body
}

// body is the record's plain form unpacked and uncompressed: a flags byte
// of 0 and the encoded record.
func (r *record) body() []byte {
	body := make([]byte, 1, 64+r.size())
	body = binary.AppendVarint(body, r.expires.UnixMilli())
	body = appendString(body, r.id)
	body = binary.AppendUvarint(body, uint64(len(r.values)))
	for k, v := range r.values {
		body = appendString(body, k)
		body = append(binary.AppendUvarint(body, uint64(len(v))), v...)
	}
	return body
}

// compressed returns plain, a plain form encode made, DEFLATEd, or nil
// when that is not shorter.
func compressed(plain []byte) []byte {
	if len(plain) < 1+minCompress || plain[0]&flagFlate != 0 {
		return nil
	}
	if z := deflate(plain[1:], plain[0]|flagFlate); len(z) < len(plain) {
		return z
	}
	return nil
}

// minCompress is the smallest record worth compressing: below it DEFLATE
// saves a few bytes at best, and setting up its tables costs more than
// the rest of a save.
const minCompress = 512

// Compressors and decompressors are reused: a DEFLATE writer holds
// hundreds of kilobytes of tables.
var (
	writers = sync.Pool{New: func() any {
		w, _ := flate.NewWriter(nil, flate.BestSpeed) // only an invalid level fails
		return w
	}}
	readers = sync.Pool{New: func() any { return flate.NewReader(nil) }}
)

// deflate returns flags followed by the DEFLATE stream of b.
func deflate(b []byte, flags byte) []byte {
	var buf bytes.Buffer
	buf.Grow(len(b)/2 + 64)
	buf.WriteByte(flags)
	w := writers.Get().(*flate.Writer)
	w.Reset(&buf)
	_, _ = w.Write(b) // a bytes.Buffer does not fail
	_ = w.Close()
	writers.Put(w)
	return buf.Bytes()
}

// inflate returns what the DEFLATE stream b holds, up to limit bytes.
func inflate(b []byte, limit int) ([]byte, error) {
	r := readers.Get().(io.ReadCloser)
	defer readers.Put(r)
	if err := r.(flate.Resetter).Reset(bytes.NewReader(b), nil); err != nil {
		return nil, err
	}
	return io.ReadAll(io.LimitReader(r, int64(limit)+1))
}

func (r *record) size() int {
	n := len(r.id)
	for k, v := range r.values {
		n += len(k) + len(v) + 4
	}
	return n
}

func appendString(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

// decodeRecord reads a plain record; limit bounds what it inflates.
func decodeRecord(plain []byte, limit int) (*record, error) {
	if len(plain) == 0 {
		return nil, errBadRecord
	}
	flags, body := plain[0], plain[1:]
	if flags&^(flagFlate|flagPacked) != 0 {
		return nil, errBadRecord
	}
	if flags&flagFlate != 0 {
		inflated, err := inflate(body, limit)
		if err != nil || len(inflated) > limit {
			return nil, fmt.Errorf("%w: bad or oversize DEFLATE stream", errBadRecord)
		}
		body = inflated
	}
	if flags&flagPacked != 0 {
		var err error
		if body, err = unpack(body, limit); err != nil {
			return nil, err
		}
	}
	return parseBody(body)
}

func parseBody(b []byte) (*record, error) {
	d := decoder{b: b}
	exp := d.varint()
	r := &record{id: d.str(), expires: time.UnixMilli(exp)}
	n := d.uvarint()
	if d.err != nil || n > uint64(len(b)) {
		return nil, errBadRecord
	}
	r.values = make(map[string][]byte, n)
	for i := uint64(0); i < n && d.err == nil; i++ {
		k := d.str()
		r.values[k] = d.bytes() // body is the record's own
	}
	if d.err != nil || len(d.b) != 0 {
		return nil, errBadRecord
	}
	return r, nil
}

type decoder struct {
	b   []byte
	err error
}

func (d *decoder) varint() int64 {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.err = errBadRecord
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) uvarint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.err = errBadRecord
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) str() string { return string(d.bytes()) }

// bytes returns the next length-prefixed bytes, a part of d.b.
func (d *decoder) bytes() []byte {
	l := d.uvarint()
	if d.err != nil || l > uint64(len(d.b)) {
		d.err = errBadRecord
		return nil
	}
	b := d.b[:l:l]
	d.b = d.b[l:]
	return b
}
