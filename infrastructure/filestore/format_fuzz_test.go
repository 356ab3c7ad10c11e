package filestore

import (
	"encoding/binary"
	"hash/crc32"
	"reflect"
	"testing"
	"time"
)

// FuzzDecodeFile feeds arbitrary session files to the decoder, once as
// they are and once with a valid header and checksum around them, so that
// the value decoding behind the checksum is reached too: it must never
// panic, and whatever it decodes must encode to the same values again.
func FuzzDecodeFile(f *testing.F) {
	f.Add(encodeFile(map[string][]byte{"a": []byte("s1"), "b": {'i', 2}}, time.Unix(1e9, 0)))
	f.Add([]byte{})
	f.Add([]byte{0x02, 0x01, 'a', 0x01, 'x'})
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = decodeFile(b)
		framed := append(append(append([]byte{}, fileMagic...), make([]byte, 8)...), b...)
		framed = binary.BigEndian.AppendUint32(framed, crc32.Checksum(framed, castagnoli))
		rec, err := decodeFile(framed)
		if err != nil {
			return
		}
		again, err := decodeFile(encodeFile(rec.values, rec.expiresAt))
		if err != nil || len(again.values) != len(rec.values) || len(rec.values) > 0 && !reflect.DeepEqual(again.values, rec.values) {
			t.Fatalf("decoded %v, re-encoded and decoded %v, %v", rec.values, again.values, err)
		}
	})
}
