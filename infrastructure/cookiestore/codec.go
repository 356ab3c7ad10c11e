package cookiestore

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/sessionauth/sessionauth/domain"
)

// MaxLine is the longest Set-Cookie header line a chunk is written in,
// "Set-Cookie: " included: RFC 6265 section 6.1 asks user agents for at
// least 4096 bytes per cookie, and proxies refuse longer lines.
const MaxLine = 4096

// DefaultMaxBytes is the default cap on what the session's cookies add to
// a request's Cookie header: 6 KiB. Servers and proxies commonly refuse a
// header line over 8 KiB (nginx's large_client_header_buffers, Apache's
// LimitRequestFieldSize of 8190 bytes, Cloud Run's front ends); 6 KiB
// leaves 2 KiB for the other cookies of a site (consent, analytics, cart,
// load balancer affinity), which typically take a few hundred bytes.
const DefaultMaxBytes = 6144

const (
	version    byte = 1
	headerSize      = 1 + 8 // version, issue time (Unix milliseconds)
	setCookie       = "Set-Cookie: "
)

// errUnknown is wrapped by every reason a set of cookies does not open: it
// is an unknown cookie, and the visitor gets a new session.
var errUnknown = fmt.Errorf("unknown session cookie: %w", domain.ErrSessionNotFound)

// CookieOptions are the attributes every chunk is written with.
type CookieOptions struct {
	Path     string
	Domain   string
	Secure   bool
	SameSite http.SameSite
	MaxAge   int // seconds; the Max-Age of every chunk written
}

// codec seals a record into the cookies name, name.1, … and opens it again.
type codec struct {
	name     string
	keys     keyRing
	maxBytes int
	compress bool
	cookie   CookieOptions
	now      func() time.Time
}

// maxChunks is the most chunks a read looks at: a set written under
// maxBytes has fewer, since every chunk but the last fills more than
// 2 KiB (a line of 4096 bytes minus its name and attributes).
func (c *codec) maxChunks() int { return c.maxBytes/2048 + 2 }

func (c *codec) chunkName(i int) string {
	if i == 0 {
		return c.name
	}
	return c.name + "." + strconv.Itoa(i)
}

func (c *codec) httpCookie(name, value string, maxAge int) *http.Cookie {
	return &http.Cookie{Name: name, Value: value, Path: c.cookie.Path, Domain: c.cookie.Domain,
		Secure: c.cookie.Secure, HttpOnly: true, SameSite: c.cookie.SameSite, MaxAge: maxAge}
}

// room is how many value bytes the chunk named name can hold so that its
// Set-Cookie line stays within MaxLine.
func (c *codec) room(name string) int {
	empty := c.httpCookie(name, "", c.cookie.MaxAge).String()
	return MaxLine - len(setCookie) - len(empty)
}

// aad binds a sealed value to the cookie's name and to the version and
// issue time in its header.
func (c *codec) aad(header []byte) []byte {
	b := make([]byte, 0, 32+len(c.name)+len(header))
	b = append(b, "sessionauth cookie\x00"...)
	b = append(b, c.name...)
	b = append(b, 0)
	return append(b, header...)
}

// seal encrypts plain, issued at issued, with the current key and returns
// the cookies that carry it. Over maxBytes it returns an error wrapping
// domain.ErrSessionTooLarge.
func (c *codec) seal(plain []byte, issued time.Time) ([]*http.Cookie, error) {
	aead := c.keys[0]
	header := make([]byte, headerSize, headerSize+aead.NonceSize()+len(plain)+aead.Overhead())
	header[0] = version
	binary.BigEndian.PutUint64(header[1:], uint64(issued.UnixMilli()))
	nonce := header[headerSize : headerSize+aead.NonceSize()]
	_, _ = rand.Read(nonce) // never fails (crypto/rand)
	sealed := aead.Seal(header[:headerSize+len(nonce)], nonce, plain, c.aad(header[:headerSize]))
	text := make([]byte, 0, len(oneChunk)+base64.RawURLEncoding.EncodedLen(len(sealed)))
	text = base64.RawURLEncoding.AppendEncode(append(text, oneChunk...), sealed)
	return c.split(string(text))
}

// oneChunk starts the value of a set of one chunk.
const oneChunk = "1."

// sealRecord seals rec, issued at issued. Packed, a login's tokens take
// about their own size in the cookies; DEFLATE takes a third or so off
// that, but costs most of a save's time and much of a load's, so it is
// used only when it saves a cookie or brings the session under the cap.
func (c *codec) sealRecord(rec *record, issued time.Time) ([]*http.Cookie, error) {
	plain := rec.encode(c.compress)
	out, err := c.seal(plain, issued)
	if !c.compress || (err == nil && len(out) == 1) {
		return out, err
	}
	z := compressed(plain)
	if z == nil {
		return out, err
	}
	zout, zerr := c.seal(z, issued)
	switch {
	case zerr != nil && err != nil:
		return nil, zerr // the smaller size, in the message
	case zerr != nil:
		return out, nil
	case err != nil || len(zout) < len(out):
		return zout, nil
	}
	return out, nil
}

// split spreads text, which starts with oneChunk, over as few chunks as
// fit: the first value is the chunk count, a dot and the start of text.
func (c *codec) split(text string) ([]*http.Cookie, error) {
	for n := 1; n <= c.maxChunks(); n++ {
		cookies, ok := c.splitInto(text, n)
		if !ok {
			continue
		}
		if size := headerBytes(cookies); size > c.maxBytes {
			return nil, fmt.Errorf("%w: the sealed session takes %d bytes of the Cookie header in %d cookies, the limit is %d (flamingo.session.cookie.maxBytes)",
				domain.ErrSessionTooLarge, size, n, c.maxBytes)
		}
		return cookies, nil
	}
	return nil, fmt.Errorf("%w: the sealed session is %d bytes, more than %d cookies hold (flamingo.session.cookie.maxBytes is %d)",
		domain.ErrSessionTooLarge, len(text)-len(oneChunk), c.maxChunks(), c.maxBytes)
}

func (c *codec) splitInto(text string, n int) ([]*http.Cookie, bool) {
	cookies := make([]*http.Cookie, 0, n)
	rest := text
	if n > 1 {
		rest = strconv.Itoa(n) + "." + text[len(oneChunk):]
	}
	for i := 0; i < n; i++ {
		name := c.chunkName(i)
		k := min(len(rest), c.room(name))
		if k <= 0 || (i > 0 && len(rest) == 0) {
			return nil, false
		}
		cookies = append(cookies, c.httpCookie(name, rest[:k], c.cookie.MaxAge))
		rest = rest[k:]
	}
	return cookies, rest == ""
}

// headerBytes is what cookies add to a request's Cookie header.
func headerBytes(cookies []*http.Cookie) int {
	n := 0
	for i, ck := range cookies {
		if i > 0 {
			n += len("; ")
		}
		n += len(ck.Name) + 1 + len(ck.Value)
	}
	return n
}

// opened is what open found: the plain record, when it was issued, and
// whether a previous key sealed it.
type opened struct {
	plain   []byte
	issued  time.Time
	oldKey  bool
	present int // chunks of this name the request carries, stale ones included
}

// open joins and opens the chunks among cookies, the request's cookies.
// Anything but a complete set sealed by one of the keys for this cookie
// name yields an error wrapping errUnknown. The work is bounded by
// maxBytes whatever the request holds.
func (c *codec) open(cookies []*http.Cookie) (opened, error) {
	parts, present := c.collect(cookies)
	var o opened
	o.present = present
	if len(parts) == 0 || parts[0] == "" {
		return o, fmt.Errorf("%w: none", errUnknown)
	}
	count, first, ok := strings.Cut(parts[0], ".")
	n, err := strconv.Atoi(count)
	if !ok || err != nil || n < 1 || n > c.maxChunks() || len(count) > 3 {
		return o, fmt.Errorf("%w: bad chunk count", errUnknown)
	}
	text, err := c.join(first, parts, n)
	if err != nil {
		return o, err
	}
	return c.unseal(text, o)
}

// collect returns the value of the first cookie of each chunk name, up to
// maxChunks, and how many chunk names the request carries.
func (c *codec) collect(cookies []*http.Cookie) ([]string, int) {
	limit := c.maxChunks()
	parts := make([]string, limit)
	seen := make([]bool, limit)
	present := 0
	for _, ck := range cookies {
		i, ok := c.chunkIndex(ck.Name)
		if !ok || i >= limit || seen[i] {
			continue
		}
		seen[i], parts[i] = true, ck.Value
		present = max(present, i+1)
	}
	return parts[:present], present
}

// chunkIndex says which chunk a cookie name is: 0 for name, i for name.i.
func (c *codec) chunkIndex(name string) (int, bool) {
	if name == c.name {
		return 0, true
	}
	rest, ok := strings.CutPrefix(name, c.name+".")
	if !ok || len(rest) == 0 || len(rest) > 3 || rest[0] == '0' {
		return 0, false
	}
	i, err := strconv.Atoi(rest)
	return i, err == nil && i > 0
}

func (c *codec) join(first string, parts []string, n int) (string, error) {
	if len(parts) < n {
		return "", fmt.Errorf("%w: %d of %d chunks", errUnknown, len(parts), n)
	}
	if n == 1 {
		return first, nil
	}
	var b strings.Builder
	b.WriteString(first)
	for i := 1; i < n; i++ {
		if parts[i] == "" {
			return "", fmt.Errorf("%w: chunk %d missing", errUnknown, i)
		}
		if b.Len()+len(parts[i]) > c.maxBytes {
			return "", fmt.Errorf("%w: over %d bytes", errUnknown, c.maxBytes)
		}
		b.WriteString(parts[i])
	}
	return b.String(), nil
}

func (c *codec) unseal(text string, o opened) (opened, error) {
	if len(text) > c.maxBytes {
		return o, fmt.Errorf("%w: over %d bytes", errUnknown, c.maxBytes)
	}
	raw, err := base64.RawURLEncoding.DecodeString(text)
	nonceEnd := headerSize + c.keys[0].NonceSize()
	if err != nil || len(raw) < nonceEnd+c.keys[0].Overhead() || raw[0] != version {
		return o, fmt.Errorf("%w: malformed", errUnknown)
	}
	header, nonce, sealed := raw[:headerSize], raw[headerSize:nonceEnd], raw[nonceEnd:]
	aad := c.aad(header)
	for i, aead := range c.keys {
		plain, err := aead.Open(nil, nonce, sealed, aad)
		if err == nil {
			o.plain, o.oldKey = plain, i > 0
			o.issued = time.UnixMilli(int64(binary.BigEndian.Uint64(header[1:])))
			return o, nil
		}
	}
	return o, fmt.Errorf("%w: %w", errUnknown, errors.New("sealed with another key or for another cookie name"))
}

// expire returns the cookies that delete the chunks from..present-1.
func (c *codec) expire(from, present int) []*http.Cookie {
	var out []*http.Cookie
	for i := from; i < present; i++ {
		out = append(out, c.httpCookie(c.chunkName(i), "", -1))
	}
	return out
}
