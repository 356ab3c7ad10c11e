package cookiestore

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/sha256"
	"errors"
	"fmt"
)

// sealInfo separates the sealing keys from every other use of the same
// secret: the signed session-ID cookie signs with the secret itself, a
// cookie is sealed only with a key derived for that purpose alone.
const sealInfo = "sessionauth cookie seal v1 (AES-256-GCM)"

// keyRing holds the AEADs of the current key (first) and of the previous
// ones, which still open cookies until they are sealed again.
type keyRing []cipher.AEAD

// newKeyRing derives one AES-256-GCM key from each secret with HKDF-SHA256.
// The first secret seals; all of them open.
func newKeyRing(secrets [][]byte) (keyRing, error) {
	if len(secrets) == 0 {
		return nil, errors.New("no secret to derive the sealing key from")
	}
	ring := make(keyRing, 0, len(secrets))
	for i, s := range secrets {
		if len(s) < 16 {
			return nil, fmt.Errorf("secret %d is %d bytes long; give at least 32 random bytes", i, len(s))
		}
		key, err := hkdf.Key(sha256.New, s, []byte("sessionauth"), sealInfo, 32)
		if err != nil {
			return nil, err
		}
		block, err := aes.NewCipher(key)
		if err != nil {
			return nil, err
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, err
		}
		ring = append(ring, aead)
	}
	return ring, nil
}
