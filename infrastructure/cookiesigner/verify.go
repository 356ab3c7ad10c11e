package cookiesigner

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"hash"
	"sync"
	"time"
)

// Why a value does not verify, in securecookie's words.
var (
	errMacInvalid       = errors.New("the value is not valid")
	errTimestampInvalid = errors.New("invalid timestamp")
	errTimestampExpired = errors.New("expired timestamp")
	errDecode           = errors.New("base64 decode failed")
)

// macState is what one verification needs: an HMAC per secret and
// buffers, reused through the signer's pool.
type macState struct {
	macs    []hash.Hash
	src     []byte
	decoded []byte
	sum     []byte
	id      []byte
}

// verifier verifies (and signs, see sign) for a Signer. It reads the format
// securecookie's Encode writes (with the NopEncoder and without
// encryption): base64url of "date|value|mac", where value is the base64url
// of the ID and mac the HMAC-SHA256 of "name|date|value". It checks what
// securecookie's Decode checks, in the same order and with the same
// arithmetic (the MAC in constant time, then the date against the maximum
// age), but with HMAC states and buffers reused from a pool, so that a
// verification allocates only the ID it returns.
// FuzzVerifyAgreesWithSecureCookie holds the two to the same answers.
type verifier struct {
	namePipe []byte // "name|", the start of every signed message
	maxAge   int64  // seconds
	pool     sync.Pool
}

func newVerifier(name string, secrets []string, maxAge int64) *verifier {
	v := &verifier{namePipe: []byte(name + "|"), maxAge: maxAge}
	v.pool.New = func() any {
		st := &macState{macs: make([]hash.Hash, len(secrets))}
		for i, secret := range secrets {
			st.macs[i] = hmac.New(sha256.New, []byte(secret))
		}
		return st
	}
	return v
}

// verify returns the ID that value carries when one of the secrets signed
// it within the maximum age; value is canonical base64url already.
func (v *verifier) verify(value string) (string, error) {
	st := v.pool.Get().(*macState)
	defer v.pool.Put(st)
	st.src = append(st.src[:0], value...)
	st.decoded = grow(st.decoded, base64.URLEncoding.DecodedLen(len(st.src)))
	n, err := base64.URLEncoding.Decode(st.decoded, st.src)
	if err != nil {
		return "", errDecode
	}
	b := st.decoded[:n]
	date, rest, ok := cutByte(b, '|')
	if !ok {
		return "", errMacInvalid
	}
	encoded, mac, ok := cutByte(rest, '|')
	if !ok {
		return "", errMacInvalid
	}
	if !v.macMatches(st, b[:len(date)+1+len(encoded)], mac) {
		return "", errMacInvalid
	}
	return v.checkAndDecode(st, date, encoded)
}

// macMatches reports whether one of the secrets made mac for msg.
func (v *verifier) macMatches(st *macState, msg, mac []byte) bool {
	for _, h := range st.macs {
		h.Reset()
		h.Write(v.namePipe)
		h.Write(msg)
		st.sum = h.Sum(st.sum[:0])
		if hmac.Equal(st.sum, mac) {
			return true
		}
	}
	return false
}

// checkAndDecode checks the signed date against the maximum age and
// returns the ID.
func (v *verifier) checkAndDecode(st *macState, date, encoded []byte) (string, error) {
	signed, ok := parseInt64(date)
	if !ok {
		return "", errTimestampInvalid
	}
	if v.maxAge != 0 && signed < time.Now().UTC().Unix()-v.maxAge {
		return "", errTimestampExpired
	}
	st.id = grow(st.id, base64.URLEncoding.DecodedLen(len(encoded)))
	n, err := base64.URLEncoding.Decode(st.id, encoded)
	if err != nil {
		return "", errDecode
	}
	if n == 0 {
		return "", errors.New("empty session ID")
	}
	return string(st.id[:n]), nil
}

func grow(b []byte, n int) []byte {
	if cap(b) < n {
		return make([]byte, n)
	}
	return b[:n]
}

func cutByte(b []byte, sep byte) (before, after []byte, found bool) {
	for i, c := range b {
		if c == sep {
			return b[:i], b[i+1:], true
		}
	}
	return b, nil, false
}

// parseInt64 parses a base-10 int64 with an optional sign, as
// strconv.ParseInt(s, 10, 64) does, without making a string of it.
func parseInt64(b []byte) (int64, bool) {
	neg := false
	if len(b) > 0 && (b[0] == '+' || b[0] == '-') {
		neg, b = b[0] == '-', b[1:]
	}
	if len(b) == 0 {
		return 0, false
	}
	var n uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		if n > (1<<63)/10 {
			return 0, false
		}
		n = n*10 + uint64(c-'0')
		if n > 1<<63 {
			return 0, false
		}
	}
	if !neg && n == 1<<63 {
		return 0, false
	}
	if neg {
		return -int64(n), true
	}
	return int64(n), true
}
