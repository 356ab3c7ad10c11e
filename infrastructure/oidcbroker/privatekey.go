package oidcbroker

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/sha1" // x5t is the SHA-1 thumbprint (RFC 7515, 4.1.7)
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/go-jose/go-jose/v4"
)

// signingKey is the private key of private_key_jwt, with the algorithm its
// type signs with and the key ID the provider knows it by: a kid, and the
// thumbprints of its certificate, when it comes with one (Entra ID finds
// the key by x5t).
type signingKey struct {
	key          crypto.Signer
	alg          jose.SignatureAlgorithm
	kid          string
	x5t, x5tS256 []byte // SHA-1 and SHA-256 of the certificate
}

// errKeyFormat says what a private key must look like; its messages never
// quote the key.
var errKeyFormat = errors.New("the private key is neither a PEM block (BEGIN PRIVATE KEY, BEGIN RSA PRIVATE KEY, BEGIN EC PRIVATE KEY) nor a JWK with its private part (d)")

// parsePrivateKey reads a PEM or JWK private key (RSA of at least 2048
// bits, ECDSA P-256/P-384/P-521 or Ed25519). A PEM key whose line breaks
// became \n escapes or spaces is read too (see normalizePEM).
// kid, when set, overrides a JWK's own key ID.
func parsePrivateKey(text, kid string) (*signingKey, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return nil, errors.New("no private key")
	}
	if !strings.HasPrefix(text, "{") {
		key, cert, err := parsePEM(text)
		if err != nil {
			return nil, err
		}
		return newSigningKey(key, kid, cert)
	}
	var jwk jose.JSONWebKey
	if err := json.Unmarshal([]byte(text), &jwk); err != nil || jwk.IsPublic() {
		return nil, errKeyFormat
	}
	if kid == "" {
		kid = jwk.KeyID
	}
	var cert *x509.Certificate
	if len(jwk.Certificates) > 0 {
		cert = jwk.Certificates[0]
	}
	return newSigningKey(jwk.Key, kid, cert)
}

// pemBlock is a PEM block whatever became of its line breaks.
var pemBlock = regexp.MustCompile(`-----BEGIN ([A-Z0-9 ]+)-----([^-]*)-----END ([A-Z0-9 ]+)-----`)

// normalizePEM restores the line breaks of PEM text that lost them on the
// way: written with \n escapes in one line, or folded into spaces, as a
// YAML string in quotes does to a multi-line value put in by Flamingo's
// %%ENV:NAME%% placeholder.
func normalizePEM(text string) string {
	text = strings.ReplaceAll(text, `\n`, "\n")
	return pemBlock.ReplaceAllStringFunc(text, func(block string) string {
		m := pemBlock.FindStringSubmatch(block)
		return "-----BEGIN " + m[1] + "-----\n" + strings.Join(strings.Fields(m[2]), "") + "\n-----END " + m[3] + "-----\n"
	})
}

// parsePEM reads the private key of PEM text and the certificate that may
// follow or precede it.
func parsePEM(text string) (key any, cert *x509.Certificate, err error) {
	rest := []byte(normalizePEM(text))
	for {
		var block *pem.Block
		if block, rest = pem.Decode(rest); block == nil {
			break
		}
		switch {
		case block.Type == "CERTIFICATE" && cert == nil:
			if cert, err = x509.ParseCertificate(block.Bytes); err != nil {
				return nil, nil, errors.New("the PEM block of type \"CERTIFICATE\" does not hold a valid certificate")
			}
		case key == nil:
			if key, err = parsePEMKey(block); err != nil {
				return nil, nil, err
			}
		}
	}
	if key == nil {
		return nil, nil, errKeyFormat
	}
	return key, cert, nil
}

func parsePEMKey(block *pem.Block) (any, error) {
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

// newSigningKey picks the algorithm of key's type; cert, when given, must
// be the key's.
func newSigningKey(key any, kid string, cert *x509.Certificate) (*signingKey, error) {
	k, err := algorithm(key)
	if err != nil {
		return nil, err
	}
	k.kid = kid
	if cert != nil {
		if pub, ok := k.key.Public().(interface{ Equal(crypto.PublicKey) bool }); !ok || !pub.Equal(cert.PublicKey) {
			return nil, errors.New("the certificate is not the private key's")
		}
		x5t, x5tS256 := sha1.Sum(cert.Raw), sha256.Sum256(cert.Raw)
		k.x5t, k.x5tS256 = x5t[:], x5tS256[:]
	}
	return k, nil
}

func algorithm(key any) (*signingKey, error) {
	switch k := key.(type) {
	case *rsa.PrivateKey:
		if k.N.BitLen() < 2048 {
			return nil, fmt.Errorf("the RSA key has %d bits; use one of at least 2048", k.N.BitLen())
		}
		return &signingKey{key: k, alg: jose.RS256}, nil
	case *ecdsa.PrivateKey:
		alg, ok := map[elliptic.Curve]jose.SignatureAlgorithm{
			elliptic.P256(): jose.ES256, elliptic.P384(): jose.ES384, elliptic.P521(): jose.ES512,
		}[k.Curve]
		if !ok {
			return nil, errors.New("the EC key's curve is not P-256, P-384 or P-521")
		}
		return &signingKey{key: k, alg: alg}, nil
	case ed25519.PrivateKey:
		return &signingKey{key: k, alg: jose.EdDSA}, nil
	}
	return nil, fmt.Errorf("a %T cannot sign; use an RSA, EC or Ed25519 key", key)
}

// signer signs assertions with the key, its kid in the header.
func (k *signingKey) signer() (jose.Signer, error) {
	opts := (&jose.SignerOptions{}).WithType("JWT")
	if k.kid != "" {
		opts = opts.WithHeader("kid", k.kid)
	}
	if k.x5t != nil {
		opts = opts.WithHeader("x5t", base64.RawURLEncoding.EncodeToString(k.x5t))
		opts = opts.WithHeader("x5t#S256", base64.RawURLEncoding.EncodeToString(k.x5tS256))
	}
	return jose.NewSigner(jose.SigningKey{Algorithm: k.alg, Key: k.key}, opts)
}

// CheckPrivateKey tells why text cannot sign private_key_jwt assertions,
// or nil when it can. The error never quotes the key.
func CheckPrivateKey(text string) error {
	_, err := parsePrivateKey(text, "")
	return err
}
