package domain

import (
	"bytes"
	"encoding/binary"
	"encoding/gob"
	"errors"
	"fmt"
	"math"
	"reflect"
	"time"
	"unsafe"
)

// Stored values start with a tag byte. The common scalar types have compact
// encodings of their own, so that comparing a session with its loaded state
// costs no gob stream per value; everything else is a gob stream of the
// value as an interface, which keeps its dynamic type.
const (
	tagGob     byte = 'g'
	tagNil     byte = 'n'
	tagString  byte = 's'
	tagBytes   byte = 'b'
	tagInt     byte = 'i'
	tagInt64   byte = 'I'
	tagFloat64 byte = 'f'
	tagTrue    byte = 't'
	tagFalse   byte = 'F'
)

func init() {
	// Types that sessions commonly hold inside interfaces (flash lists, maps
	// decoded from JSON, timestamps) are registered once here.
	gob.Register([]any{})
	gob.Register(map[string]any{})
	gob.Register([]string{})
	gob.Register(map[string]string{})
	gob.Register(time.Time{})
}

// AppendValue appends the stored form of v to dst. A value whose type gob
// cannot encode (usually: not registered with gob.Register) yields an error
// wrapping ErrValueNotEncodable that names the type.
func AppendValue(dst []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return append(dst, tagNil), nil
	case string:
		return append(append(dst, tagString), x...), nil
	case []byte:
		if x == nil {
			break // keep nil-ness through gob
		}
		return append(append(dst, tagBytes), x...), nil
	case int:
		return binary.AppendVarint(append(dst, tagInt), int64(x)), nil
	case int64:
		return binary.AppendVarint(append(dst, tagInt64), x), nil
	case float64:
		return binary.BigEndian.AppendUint64(append(dst, tagFloat64), math.Float64bits(x)), nil
	case bool:
		if x {
			return append(dst, tagTrue), nil
		}
		return append(dst, tagFalse), nil
	}
	return appendGob(dst, v)
}

func appendGob(dst []byte, v any) ([]byte, error) {
	var buf bytes.Buffer // not dst: passing dst on would move callers' scratch arrays to the heap
	if err := gob.NewEncoder(&buf).Encode(&v); err != nil {
		return dst, fmt.Errorf("%w: type %T: %v (%s)", ErrValueNotEncodable, v, err, gobHint(v))
	}
	return append(append(dst, tagGob), buf.Bytes()...), nil
}

// gobHint says how to make v encodable.
func gobHint(v any) string {
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return "gob cannot store a nil pointer; store nil or a non-nil value instead"
		}
		return fmt.Sprintf("register the type with gob.Register(&%s{}) before use, and make its fields exported", rv.Type().Elem())
	}
	return fmt.Sprintf("register the type with gob.Register(%T{}) before use, and make its fields exported", v)
}

// sameValue reports whether v, encoded as enc, equals the value whose
// stored form is loaded. Equal bytes settle it; gob writes map entries in
// random order, so gob streams that differ are compared as values.
func sameValue(loaded, enc []byte, v any) bool {
	if bytes.Equal(loaded, enc) {
		return true
	}
	if len(loaded) == 0 || len(enc) == 0 || loaded[0] != tagGob || enc[0] != tagGob {
		return false
	}
	old, err := DecodeValue(loaded)
	return err == nil && reflect.DeepEqual(old, v)
}

// EncodeValue returns the stored form of v; see AppendValue.
func EncodeValue(v any) ([]byte, error) {
	return AppendValue(nil, v)
}

// errCorruptValue is wrapped by DecodeValue errors.
var errCorruptValue = errors.New("corrupt stored value")

// DecodeValue turns the stored form made by AppendValue back into a value of
// the same dynamic type. Garbage yields an error, never a panic.
func DecodeValue(b []byte) (any, error) {
	return decodeValue(b, false)
}

// decodeValue is DecodeValue; with share, a string shares the bytes of b
// instead of copying them, so b must never change.
func decodeValue(b []byte, share bool) (any, error) {
	if len(b) == 0 {
		return nil, fmt.Errorf("%w: empty", errCorruptValue)
	}
	tag, p := b[0], b[1:]
	switch tag {
	case tagNil:
		return nil, nil
	case tagString:
		if share && len(p) > 0 {
			return unsafe.String(&p[0], len(p)), nil
		}
		return string(p), nil
	case tagBytes:
		return append([]byte{}, p...), nil
	case tagInt, tagInt64:
		n, size := binary.Varint(p)
		if size <= 0 || size != len(p) {
			return nil, fmt.Errorf("%w: bad integer", errCorruptValue)
		}
		if tag == tagInt {
			return int(n), nil
		}
		return n, nil
	case tagFloat64:
		if len(p) != 8 {
			return nil, fmt.Errorf("%w: bad float", errCorruptValue)
		}
		return math.Float64frombits(binary.BigEndian.Uint64(p)), nil
	case tagTrue, tagFalse:
		return tag == tagTrue, nil
	case tagGob:
		var v any
		if err := gob.NewDecoder(bytes.NewReader(p)).Decode(&v); err != nil {
			return nil, fmt.Errorf("%w: %v (a custom type must be registered with gob.Register)", errCorruptValue, err)
		}
		return v, nil
	}
	return nil, fmt.Errorf("%w: unknown tag %q", errCorruptValue, tag)
}
