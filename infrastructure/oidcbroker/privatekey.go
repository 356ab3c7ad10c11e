package oidcbroker

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"

	"github.com/go-jose/go-jose/v4"
)

// signingKey is the private key of private_key_jwt, with the algorithm its
// type signs with and the key ID the provider knows it by.
type signingKey struct {
	key crypto.Signer
	alg jose.SignatureAlgorithm
	kid string
}

// errKeyFormat says what a private key must look like; its messages never
// quote the key.
var errKeyFormat = errors.New("the private key is neither a PEM block (BEGIN PRIVATE KEY, BEGIN RSA PRIVATE KEY, BEGIN EC PRIVATE KEY) nor a JWK with its private part (d)")

// parsePrivateKey reads a PEM or JWK private key (RSA of at least 2048
// bits, ECDSA P-256/P-384/P-521 or Ed25519). A PEM key held in one line
// with \n escapes, as environment variables often carry it, is read too.
// kid, when set, overrides a JWK's own key ID.
func parsePrivateKey(text, kid string) (*signingKey, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return nil, errors.New("no private key")
	}
	var key any
	if strings.HasPrefix(text, "{") {
		var jwk jose.JSONWebKey
		if err := json.Unmarshal([]byte(text), &jwk); err != nil || jwk.IsPublic() {
			return nil, errKeyFormat
		}
		key = jwk.Key
		if kid == "" {
			kid = jwk.KeyID
		}
	} else {
		var err error
		if key, err = parsePEM(text); err != nil {
			return nil, err
		}
	}
	return newSigningKey(key, kid)
}

func parsePEM(text string) (any, error) {
	if !strings.Contains(text, "\n") {
		text = strings.ReplaceAll(text, `\n`, "\n")
	}
	block, _ := pem.Decode([]byte(text))
	if block == nil {
		return nil, errKeyFormat
	}
	var key any
	var err error
	switch block.Type {
	case "PRIVATE KEY":
		key, err = x509.ParsePKCS8PrivateKey(block.Bytes)
	case "RSA PRIVATE KEY":
		key, err = x509.ParsePKCS1PrivateKey(block.Bytes)
	case "EC PRIVATE KEY":
		key, err = x509.ParseECPrivateKey(block.Bytes)
	default:
		return nil, fmt.Errorf("a PEM block of type %q is not a private key; %w", block.Type, errKeyFormat)
	}
	if err != nil {
		// The parser's message is about Go functions; it is not repeated.
		return nil, fmt.Errorf("the PEM block of type %q does not hold a valid key of that type", block.Type)
	}
	return key, nil
}

// newSigningKey picks the algorithm of key's type.
func newSigningKey(key any, kid string) (*signingKey, error) {
	switch k := key.(type) {
	case *rsa.PrivateKey:
		if k.N.BitLen() < 2048 {
			return nil, fmt.Errorf("the RSA key has %d bits; use one of at least 2048", k.N.BitLen())
		}
		return &signingKey{key: k, alg: jose.RS256, kid: kid}, nil
	case *ecdsa.PrivateKey:
		alg, ok := map[elliptic.Curve]jose.SignatureAlgorithm{
			elliptic.P256(): jose.ES256, elliptic.P384(): jose.ES384, elliptic.P521(): jose.ES512,
		}[k.Curve]
		if !ok {
			return nil, errors.New("the EC key's curve is not P-256, P-384 or P-521")
		}
		return &signingKey{key: k, alg: alg, kid: kid}, nil
	case ed25519.PrivateKey:
		return &signingKey{key: k, alg: jose.EdDSA, kid: kid}, nil
	}
	return nil, fmt.Errorf("a %T cannot sign; use an RSA, EC or Ed25519 key", key)
}

// signer signs assertions with the key, its kid in the header.
func (k *signingKey) signer() (jose.Signer, error) {
	opts := (&jose.SignerOptions{}).WithType("JWT")
	if k.kid != "" {
		opts = opts.WithHeader("kid", k.kid)
	}
	return jose.NewSigner(jose.SigningKey{Algorithm: k.alg, Key: k.key}, opts)
}

// CheckPrivateKey tells why text cannot sign private_key_jwt assertions,
// or nil when it can. The error never quotes the key.
func CheckPrivateKey(text string) error {
	_, err := parsePrivateKey(text, "")
	return err
}
