package domain

import (
	"context"
	"net/http"
)

// CookieSigner turns a session ID into a cookie value that cannot be forged
// and back.
type CookieSigner interface {
	// Sign returns the cookie value carrying id.
	Sign(id string) (string, error)
	// Verify returns the session ID carried by a cookie value. A forged,
	// tampered, expired or malformed value yields an error wrapping
	// ErrInvalidCookie.
	Verify(value string) (string, error)
}

// SessionCookies is an optional power of a SessionRepository that keeps
// each session in the visitor's own cookies instead of on a server: the
// session middleware, finding it with a type assertion, hands it the
// request's cookies to load from and sends the cookies it returns from a
// save, in place of the signed session-ID cookie. The repository's Load,
// Save and Delete by ID are then only what server state it keeps (such as
// a revocation record), if any.
type SessionCookies interface {
	// LoadCookies returns the session that cookies, the request's cookies,
	// carry. None, or a set that does not open (tampered, torn, sealed by
	// another key or for another name, expired): an error wrapping
	// ErrSessionNotFound, and the visitor gets a new session. Any other
	// error means the backend failed.
	LoadCookies(ctx context.Context, cookies []*http.Cookie) (*Session, error)

	// SaveCookies does what Save does and returns the cookies that carry
	// the result (all of them expired after Destroy), with expired cookies
	// for the parts of the request's cookies no longer needed. Errors are
	// those of Save; on error nothing is to be sent.
	SaveCookies(ctx context.Context, s *Session, cookies []*http.Cookie) ([]*http.Cookie, error)
}
