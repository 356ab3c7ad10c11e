package domain

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
