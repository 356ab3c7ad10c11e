package domain

import (
	"crypto/rand"
	"encoding/base64"
)

// sessionIDBytes is the entropy of a session ID: 256 bits.
const sessionIDBytes = 32

// SessionIDLength is the length of every session ID: 32 random bytes in
// unpadded URL-safe base64.
const SessionIDLength = 43

// NewSessionID returns a fresh random session ID of 256 bits.
func NewSessionID() string {
	var b [sessionIDBytes]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (it panics instead)
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// ValidSessionID reports whether id has the form of an ID made by
// NewSessionID. Repositories that map IDs to file names or keys check it, so
// no ID can reach outside their namespace.
func ValidSessionID(id string) bool {
	if len(id) != SessionIDLength {
		return false
	}
	for i := 0; i < len(id); i++ {
		if !idChar(id[i]) {
			return false
		}
	}
	return true
}

// idChar reports whether c is a character of URL-safe base64, the alphabet
// of session IDs.
func idChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_'
}
