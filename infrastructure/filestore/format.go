package filestore

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"time"
)

// A session file is, in this order:
//
//	magic    4 bytes  "SAS" and the format version, 1
//	expiry   8 bytes  Unix time in nanoseconds, big-endian
//	count    uvarint  number of values
//	values   count times: uvarint key length, key, uvarint value length,
//	         value (the stored form of domain.EncodeValue)
//	checksum 4 bytes  CRC-32C of everything before it, big-endian
//
// The checksum makes a truncated or damaged file fail to decode instead of
// yielding a session with half its values.
var fileMagic = []byte{'S', 'A', 'S', 1}

const (
	fileHeaderSize  = 12 // magic and expiry
	fileTrailerSize = 4  // checksum
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// errCorruptFile is wrapped by decodeFile errors.
var errCorruptFile = errors.New("corrupt session file")

// fileRecord is a decoded session file.
type fileRecord struct {
	values    map[string][]byte
	expiresAt time.Time
}

// encodeFile returns the file contents for a session.
func encodeFile(values map[string][]byte, expiresAt time.Time) []byte {
	size := fileHeaderSize + binary.MaxVarintLen64 + fileTrailerSize
	for k, v := range values {
		size += 2*binary.MaxVarintLen64 + len(k) + len(v)
	}
	b := append(make([]byte, 0, size), fileMagic...)
	b = binary.BigEndian.AppendUint64(b, uint64(expiresAt.UnixNano()))
	b = binary.AppendUvarint(b, uint64(len(values)))
	for k, v := range values {
		b = append(binary.AppendUvarint(b, uint64(len(k))), k...)
		b = append(binary.AppendUvarint(b, uint64(len(v))), v...)
	}
	return binary.BigEndian.AppendUint32(b, crc32.Checksum(b, castagnoli))
}

// decodeFile parses file contents made by encodeFile. The values alias b.
func decodeFile(b []byte) (fileRecord, error) {
	if len(b) < fileHeaderSize+1+fileTrailerSize {
		return fileRecord{}, fmt.Errorf("%w: %d bytes is too short", errCorruptFile, len(b))
	}
	if !bytes.Equal(b[:len(fileMagic)], fileMagic) {
		return fileRecord{}, fmt.Errorf("%w: unknown header %q", errCorruptFile, b[:len(fileMagic)])
	}
	body, sum := b[:len(b)-fileTrailerSize], binary.BigEndian.Uint32(b[len(b)-fileTrailerSize:])
	if crc32.Checksum(body, castagnoli) != sum {
		return fileRecord{}, fmt.Errorf("%w: checksum mismatch", errCorruptFile)
	}
	values, err := decodeValues(body[fileHeaderSize:])
	if err != nil {
		return fileRecord{}, err
	}
	return fileRecord{values: values, expiresAt: fileExpiry(body)}, nil
}

func decodeValues(p []byte) (map[string][]byte, error) {
	n, p, err := readUvarint(p)
	if err != nil || n > uint64(len(p))/2 { // each value takes two bytes at least
		return nil, fmt.Errorf("%w: bad value count", errCorruptFile)
	}
	values := make(map[string][]byte, n)
	for ; n > 0; n-- {
		var k, v []byte
		if k, p, err = readChunk(p); err == nil {
			v, p, err = readChunk(p)
		}
		if err != nil {
			return nil, err
		}
		values[string(k)] = v
	}
	if len(p) != 0 {
		return nil, fmt.Errorf("%w: %d bytes after the values", errCorruptFile, len(p))
	}
	return values, nil
}

func readUvarint(p []byte) (uint64, []byte, error) {
	n, size := binary.Uvarint(p)
	if size <= 0 {
		return 0, nil, fmt.Errorf("%w: bad length", errCorruptFile)
	}
	return n, p[size:], nil
}

// readChunk reads a length-prefixed byte string.
func readChunk(p []byte) (chunk, rest []byte, err error) {
	n, p, err := readUvarint(p)
	if err != nil || n > uint64(len(p)) {
		return nil, nil, fmt.Errorf("%w: truncated value", errCorruptFile)
	}
	return p[:n:n], p[n:], nil
}

// fileExpiry reads the expiry from a header known to be complete.
func fileExpiry(header []byte) time.Time {
	return time.Unix(0, int64(binary.BigEndian.Uint64(header[len(fileMagic):fileHeaderSize])))
}

// readFileExpiry reads only the header of the session file at path, for the
// sweeper, which needs no more.
func readFileExpiry(path string) (time.Time, error) {
	f, err := os.Open(path)
	if err != nil {
		return time.Time{}, err
	}
	defer f.Close()
	var header [fileHeaderSize]byte
	if _, err := io.ReadFull(f, header[:]); err != nil {
		return time.Time{}, fmt.Errorf("%w: %v", errCorruptFile, err)
	}
	if !bytes.Equal(header[:len(fileMagic)], fileMagic) {
		return time.Time{}, fmt.Errorf("%w: unknown header", errCorruptFile)
	}
	return fileExpiry(header[:]), nil
}
