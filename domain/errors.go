package domain

import "errors"

var (
	// ErrSessionNotFound is returned by SessionRepository.Load for an unknown
	// or expired session ID, and by Save when a stored session vanished
	// between Load and Save (it expired or was destroyed meanwhile).
	ErrSessionNotFound = errors.New("session not found")

	// ErrSessionTooLarge is returned by Save when the encoded session would
	// exceed the repository's size limit; nothing is written.
	ErrSessionTooLarge = errors.New("session too large")

	// ErrValueNotEncodable is returned by Save when a value cannot be encoded
	// with encoding/gob, most often because its type was not registered with
	// gob.Register.
	ErrValueNotEncodable = errors.New("session value cannot be encoded")

	// ErrInvalidSessionID is returned for an ID that sessionauth did not
	// generate (wrong length or alphabet).
	ErrInvalidSessionID = errors.New("invalid session ID")
)

// ErrInvalidCookie is returned by CookieSigner.Verify for a cookie that was
// forged, tampered with, has expired or cannot be decoded.
var ErrInvalidCookie = errors.New("invalid session cookie")
