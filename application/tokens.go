package application

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/sessionauth/sessionauth/domain"
)

// MinTokenKeyLength is the shortest token key TokenSealer accepts, in bytes.
const MinTokenKeyLength = 32

// sealedPrefix starts every sealed token: format version 1.
const sealedPrefix = "sa1."

// errTokenKey means a sealed token was sealed with a key that is not
// configured (any more), or was changed.
var errTokenKey = errors.New("the tokens were sealed with a key that is not configured, or were altered")

// TokenSealer encrypts the tokens of an identity (access, refresh and ID
// token) with AES-256-GCM before they are stored in a session, so that no
// token is readable in a backend, a backup or a session directory. The
// first key seals; every key opens, so keys rotate like the session
// secret: add the new key first and keep the old one as a previous key
// until the sessions it sealed have expired. Each AES key is derived from
// its configured key with HKDF-SHA-256; each sealed token names the key
// that sealed it (a short hash) and is bound to its field.
type TokenSealer struct {
	keys []sealKey // keys[0] seals
}

type sealKey struct {
	id   string // hex of the first 4 bytes of SHA-256 of the AES key
	aead cipher.AEAD
}

// NewTokenSealer returns a sealer for keys, the first of which seals. Each
// key must hold at least MinTokenKeyLength bytes.
func NewTokenSealer(keys ...[]byte) (*TokenSealer, error) {
	if len(keys) == 0 {
		return nil, errors.New("token sealer: no key")
	}
	t := &TokenSealer{}
	for i, k := range keys {
		if len(k) < MinTokenKeyLength {
			return nil, fmt.Errorf("token sealer: key %d has %d bytes, fewer than %d", i, len(k), MinTokenKeyLength)
		}
		sk, err := newSealKey(k)
		if err != nil {
			return nil, fmt.Errorf("token sealer: key %d: %w", i, err)
		}
		t.keys = append(t.keys, sk)
	}
	return t, nil
}

// processKey is the key of ProcessTokenSealer, random, made once per process.
var processKey = sync.OnceValue(func() []byte {
	k := make([]byte, MinTokenKeyLength)
	_, _ = rand.Read(k) // never fails
	return k
})

// ProcessTokenSealer returns a sealer with a random key made once for this
// process: tokens it sealed cannot be opened after a restart or by another
// instance, whose users are then logged out. For development, or when no
// key is configured.
func ProcessTokenSealer() *TokenSealer {
	t, _ := NewTokenSealer(processKey())
	return t
}

// UnsealedTokens returns a sealer that stores tokens as they are and
// opens only those: for a session backend that seals the whole session
// itself, such as the cookie backend, where sealing them again would
// only make the session larger.
func UnsealedTokens() *TokenSealer { return &TokenSealer{} }

func newSealKey(secret []byte) (sealKey, error) {
	key, err := hkdf.Key(sha256.New, secret, nil, "sessionauth identity tokens", 32)
	if err != nil {
		return sealKey{}, err
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return sealKey{}, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return sealKey{}, err
	}
	sum := sha256.Sum256(key)
	return sealKey{id: hex.EncodeToString(sum[:4]), aead: aead}, nil
}

// seal returns the sealed form of token, bound to field; "" stays "".
func (t *TokenSealer) seal(field, token string) string {
	if token == "" || len(t.keys) == 0 {
		return token
	}
	k := t.keys[0]
	nonce := make([]byte, k.aead.NonceSize(), k.aead.NonceSize()+len(token)+k.aead.Overhead())
	_, _ = rand.Read(nonce) // never fails
	sealed := k.aead.Seal(nonce, nonce, []byte(token), []byte(field))
	return sealedPrefix + k.id + "." + base64.RawURLEncoding.EncodeToString(sealed)
}

// open returns the token of a sealed one bound to field. A token stored
// before sealing existed (no prefix) is returned as it is.
func (t *TokenSealer) open(field, sealed string) (string, error) {
	rest, ok := strings.CutPrefix(sealed, sealedPrefix)
	if !ok {
		return sealed, nil
	}
	id, text, _ := strings.Cut(rest, ".")
	b, err := base64.RawURLEncoding.DecodeString(text)
	for _, k := range t.keys {
		if k.id != id || err != nil || len(b) < k.aead.NonceSize() {
			continue
		}
		n := k.aead.NonceSize()
		if plain, err := k.aead.Open(nil, b[:n], b[n:], []byte(field)); err == nil {
			return string(plain), nil
		}
	}
	return "", errTokenKey
}

// Seal returns a copy of id whose tokens are sealed.
func (t *TokenSealer) Seal(id domain.Identity) domain.Identity {
	id.AccessToken = t.seal("access", id.AccessToken)
	id.RefreshToken = t.seal("refresh", id.RefreshToken)
	id.IDToken.Raw = t.seal("id", id.IDToken.Raw)
	return id
}

// Open returns a copy of id with its tokens opened. Tokens sealed with a
// key that is not configured yield an error: treat the session as logged
// out.
func (t *TokenSealer) Open(id domain.Identity) (domain.Identity, error) {
	var errs [3]error
	id.AccessToken, errs[0] = t.open("access", id.AccessToken)
	id.RefreshToken, errs[1] = t.open("refresh", id.RefreshToken)
	id.IDToken.Raw, errs[2] = t.open("id", id.IDToken.Raw)
	if err := errors.Join(errs[:]...); err != nil {
		return domain.Identity{}, fmt.Errorf("token sealer: %w", errTokenKey)
	}
	return id, nil
}
