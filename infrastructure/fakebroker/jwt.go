package fakebroker

import (
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// idClaims is the claims set of an ID token for g.
func idClaims(issuer, audience string, g grant, now, exp time.Time) map[string]any {
	u := g.user
	c := map[string]any{
		"iss": issuer, "sub": u.Sub, "aud": audience, "azp": audience,
		"iat": now.Unix(), "exp": exp.Unix(), "auth_time": g.authTime.Unix(),
		"name": u.Name, "email": u.Email, "given_name": u.FirstName, "family_name": u.LastName,
		"preferred_username": u.Username,
	}
	if g.nonce != "" {
		c["nonce"] = g.nonce
	}
	if g.acr != "" {
		c["acr"] = g.acr
	}
	if len(u.Groups) > 0 {
		c["groups"] = u.Groups
	}
	for k, v := range u.CustomFields {
		if _, taken := c[k]; !taken {
			c[k] = v
		}
	}
	return c
}

// errSign wraps failures to sign a token.
var errSign = errors.New("cannot sign token")

// sign returns claims as a compact JWS signed with ES256.
func (b *Broker) sign(claims map[string]any) (string, error) {
	header, _ := json.Marshal(map[string]string{"alg": "ES256", "typ": "JWT", "kid": "fake"})
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", fmt.Errorf("%w: %v", errSign, err)
	}
	enc := base64.RawURLEncoding
	input := enc.EncodeToString(header) + "." + enc.EncodeToString(payload)
	digest := sha256.Sum256([]byte(input))
	r, s, err := ecdsa.Sign(rand.Reader, b.key, digest[:])
	if err != nil {
		return "", fmt.Errorf("%w: %v", errSign, err)
	}
	sig := append(r.FillBytes(make([]byte, 32)), s.FillBytes(make([]byte, 32))...)
	return input + "." + enc.EncodeToString(sig), nil
}
