package cookiesigner

import (
	"errors"
	"fmt"
	"time"

	"github.com/sessionauth/sessionauth/domain"
)

// maxCookieValue bounds the cookie values Verify looks at. A signed session
// ID is far shorter; anything longer is rejected before any decoding.
const maxCookieValue = 1024

// Signer signs session IDs into cookie values with HMAC-SHA256, in the
// format of gorilla/securecookie (with its NopEncoder and no encryption),
// so that securecookie decodes the values and the signer verifies
// securecookie's. The value carries the ID in the clear, because a
// session ID is a random handle that needs no secrecy beyond the cookie; it
// also carries the time it was signed, so Verify rejects values older than
// the signer's maximum age. The cookie name is covered by the signature: a
// value signed for one cookie does not verify for another.
//
// Several secrets allow key rotation: the first signs, every one verifies,
// so cookies signed before a new secret was put first stay valid until they
// expire. A Signer is safe for concurrent use.
type Signer struct {
	verifier *verifier // signs with the first secret, verifies with every one
}

var _ domain.CookieSigner = (*Signer)(nil)

// New returns a signer for the cookie called name. secrets
// are the signing keys (flamingo.session.secret, then its previous values),
// the first one signing; none may be empty. maxAge, at least a second, is how
// long a signed value stays valid (flamingo.session.max.age).
func New(name string, secrets []string, maxAge time.Duration) (*Signer, error) {
	switch {
	case name == "":
		return nil, errors.New("secure cookie signer: the cookie name (flamingo.session.name) is empty")
	case len(secrets) == 0:
		return nil, errors.New("secure cookie signer: no secret configured: set flamingo.session.secret")
	case maxAge < time.Second:
		return nil, fmt.Errorf("secure cookie signer: max age %v is less than a second (flamingo.session.max.age)", maxAge)
	}
	seconds := int((maxAge + time.Second - 1) / time.Second)
	for i, secret := range secrets {
		if secret == "" {
			return nil, fmt.Errorf("secure cookie signer: secret %d of %d is empty (flamingo.session.secret, flamingo.session.previousSecrets)", i+1, len(secrets))
		}
	}
	return &Signer{verifier: newVerifier(name, secrets, int64(seconds))}, nil
}

// Sign returns the cookie value carrying id, signed with the first secret.
// An empty id, or one too long for a cookie, is an error.
func (s *Signer) Sign(id string) (string, error) {
	if id == "" {
		return "", errors.New("secure cookie signer: sign: empty session ID")
	}
	value, err := s.verifier.signNow(id)
	if err != nil {
		return "", fmt.Errorf("secure cookie signer: sign: %w", err)
	}
	return value, nil
}

// Verify returns the session ID carried by value when one of the secrets
// signed it for this cookie name within the maximum age. Anything else
// (forged, tampered, expired, signed for another cookie, not even a signed
// value) yields an error wrapping domain.ErrInvalidCookie. Verify does not
// judge the ID's format; repositories do.
func (s *Signer) Verify(value string) (string, error) {
	if len(value) > maxCookieValue || !canonicalBase64URL(value) {
		return "", fmt.Errorf("secure cookie signer: verify: %w: not a signed value", domain.ErrInvalidCookie)
	}
	id, err := s.verifier.verify(value)
	if err != nil {
		return "", fmt.Errorf("secure cookie signer: verify: %w: %v", domain.ErrInvalidCookie, err)
	}
	return id, nil
}

// canonicalBase64URL reports whether v is padded URL-safe base64 exactly as
// an encoder writes it. The decoder behind Verify also accepts line breaks
// and non-zero padding bits; rejecting those first means that only the very
// strings Sign returned verify, not variants of them.
func canonicalBase64URL(v string) bool {
	if len(v) == 0 || len(v)%4 != 0 {
		return false
	}
	data := len(v)
	for data > len(v)-2 && v[data-1] == '=' {
		data--
	}
	for i := 0; i < data; i++ {
		if base64URLValue(v[i]) < 0 {
			return false
		}
	}
	switch last := base64URLValue(v[data-1]); len(v) - data {
	case 1: // two bytes in the last group: the last 2 bits are padding
		return last&0x3 == 0
	case 2: // one byte in the last group: the last 4 bits are padding
		return last&0xf == 0
	}
	return true
}

// base64URLAlphabet is the URL-safe base64 alphabet, in the order of the
// values its characters stand for.
const base64URLAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

// base64URLValues holds the 6-bit value of every byte in URL-safe base64,
// -1 for a byte outside the alphabet.
var base64URLValues = func() (values [256]int8) {
	for i := range values {
		values[i] = -1
	}
	for i := range len(base64URLAlphabet) {
		values[base64URLAlphabet[i]] = int8(i)
	}
	return values
}()

// base64URLValue returns the 6-bit value of a URL-safe base64 character, or
// -1 for any other byte.
func base64URLValue(c byte) int {
	return int(base64URLValues[c])
}
