package redisstore

import (
	"bytes"
	"compress/flate"
	"io"
	"strconv"
	"sync"
)

// Large values are kept compressed, and in a second hash, so that the
// session's hash stays in Redis's compact encoding.
//
// Redis keeps a small hash as one listpack, a few bytes per field; a
// single field name or value longer than hash-max-listpack-value (64
// bytes by default) turns the whole hash into a hash table, which costs
// about 50 bytes more per field. A logged-in session holds a few values
// of several hundred bytes (the tokens of the login) among many small
// ones, so the repository files every field whose name or stored value is
// longer than listpackValueMax in the record's big-values hash (see
// bigKey), in the same cluster slot, and keeps the small ones in the
// session's hash. A flag field "c" in the session's hash says that the
// big-values hash may exist; records without it have none.
//
// A stored value longer than compressMin is compressed when that makes it
// shorter: token text in six bits per character (see tokens.go), anything
// else with DEFLATE. Its stored form is then a zero byte, the length of
// the value before compression in decimal digits, ":", the method
// (methodTokens or methodDeflate) and the compressed bytes. No value starts with a zero byte otherwise (every
// encoded value starts with a tag letter, see domain.AppendValue), so the
// scripts and Load tell the two forms apart, and the scripts count the
// size limit on the length before compression, as domain.Changes does.
const (
	// listpackValueMax is Redis's default hash-max-listpack-value.
	listpackValueMax = 64
	// compressMin is the least length worth compressing.
	compressMin = listpackValueMax
	// packedMark starts a compressed value.
	packedMark = 0
	// compressLevel trades CPU for size: the values worth compressing are
	// mostly tokens (base64 text), which entropy coding shrinks by about a
	// fifth at any level; matching longer strings gains little more.
	compressLevel = flate.BestSpeed
)

var (
	writers = sync.Pool{New: func() any {
		w, _ := flate.NewWriter(nil, compressLevel) // the level is valid
		return w
	}}
	readers = sync.Pool{New: func() any { return flate.NewReader(bytes.NewReader(nil)) }}
	buffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}
)

// pack returns the stored form of the encoded value v: v itself, or v
// compressed when that is shorter: packed in six bits per character when
// it is token text (see tokens.go), else with DEFLATE.
func pack(v []byte) []byte {
	if len(v) <= compressMin {
		return v
	}
	buf := buffers.Get().(*bytes.Buffer)
	defer buffers.Put(buf)
	buf.Reset()
	buf.WriteByte(packedMark)
	buf.WriteString(strconv.Itoa(len(v)))
	buf.WriteByte(':')
	if out, ok := appendTokens(buf.AvailableBuffer(), v); ok {
		if buf.Len()+len(out) >= len(v) {
			return v
		}
		return append(bytes.Clone(buf.Bytes()), out...)
	}
	buf.WriteByte(methodDeflate)
	w := writers.Get().(*flate.Writer)
	defer writers.Put(w)
	w.Reset(buf)
	if _, err := w.Write(v); err != nil || w.Close() != nil || buf.Len() >= len(v) {
		return v // a bytes.Buffer takes every write: only a poor ratio gets here
	}
	return bytes.Clone(buf.Bytes())
}

// unpack returns the encoded value that the stored form s holds. A value
// that is not compressed is returned as it is, without a copy; so is one
// that claims to be and cannot be unpacked to the length it names, or
// names a length above limit (when positive): it stays undecodable, as
// any broken value. limit bounds what a stored value can make Load
// allocate.
func unpack(s []byte, limit int) []byte {
	if len(s) == 0 || s[0] != packedMark {
		return s
	}
	colon := bytes.IndexByte(s, ':')
	if colon < 2 || colon+1 >= len(s) {
		return s
	}
	n, err := strconv.Atoi(string(s[1:colon]))
	if err != nil || n <= 0 || limit > 0 && n > limit {
		return s
	}
	switch s[colon+1] {
	case methodTokens:
		if out, ok := unpackTokens(s[colon+2:], n); ok {
			return out
		}
		return s
	case methodDeflate:
	default:
		return s
	}
	r := readers.Get().(io.ReadCloser)
	defer readers.Put(r)
	if r.(flate.Resetter).Reset(bytes.NewReader(s[colon+2:]), nil) != nil {
		return s
	}
	// The buffer grows with what is inflated, from at most 64 KiB: a
	// length field alone makes nothing large.
	out := make([]byte, 0, min(n, 64<<10)+1)
	for {
		if len(out) == cap(out) {
			out = append(out, 0)[:len(out)]
		}
		m, err := r.Read(out[len(out):cap(out)])
		out = out[:len(out)+m]
		switch {
		case len(out) > n:
			return s
		case err == io.EOF && len(out) == n:
			return out
		case err != nil:
			return s
		}
	}
}
