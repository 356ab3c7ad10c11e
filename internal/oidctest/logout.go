package oidctest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"time"

	"github.com/zitadel/oidc/v3/pkg/crypto"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// LogoutToken returns a back-channel logout token for the user subject
// (and the provider session sid, when not empty), as the provider issues
// it when one of its sessions ends: claims made by zitadel's
// NewLogoutTokenClaims, signed with the provider's signing key, valid for
// two minutes, with a fresh jti.
func (p *Provider) LogoutToken(subject, sid string) (string, error) {
	key, err := p.storage.SigningKey(context.Background())
	if err != nil {
		return "", err
	}
	signer, err := op.SignerFromKey(key)
	if err != nil {
		return "", err
	}
	jti := make([]byte, 16)
	_, _ = rand.Read(jti)
	claims := oidc.NewLogoutTokenClaims(p.Issuer, subject, oidc.Audience{p.ClientID}, time.Now().Add(2*time.Minute),
		hex.EncodeToString(jti), sid, 0)
	return crypto.Sign(claims, signer)
}
