package oidcbroker

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/sessionauth/sessionauth/domain"
)

var _ domain.LogoutTokenVerifier = (*Broker)(nil)

// backChannelEvent is the event a logout token must carry.
const backChannelEvent = "http://schemas.openid.net/event/backchannel-logout"

// VerifyLogoutToken verifies a back-channel logout token with go-oidc's
// VerifyLogout (signature, algorithm, issuer, audience, expiry, the event,
// no nonce, jti, sub or sid) and adds what it leaves: the event's value is
// a JSON object, and iat is present and not later than now plus the clock
// skew. See domain.LogoutTokenVerifier.
func (b *Broker) VerifyLogoutToken(ctx context.Context, raw string) (*domain.LogoutToken, error) {
	d, err := b.discover(ctx)
	if err != nil {
		return nil, err
	}
	lt, err := d.verifier.VerifyLogout(b.clientContext(ctx), raw)
	if err != nil {
		return nil, fmt.Errorf("oidc broker %q: logout token: %w: %v", b.cfg.Broker, domain.ErrInvalidLogoutToken, err)
	}
	var c struct {
		Events map[string]json.RawMessage `json:"events"`
	}
	if err := lt.Claims(&c); err != nil {
		return nil, fmt.Errorf("oidc broker %q: logout token: %w: %v", b.cfg.Broker, domain.ErrInvalidLogoutToken, err)
	}
	var event map[string]any
	if err := json.Unmarshal(c.Events[backChannelEvent], &event); err != nil || event == nil {
		return nil, fmt.Errorf("oidc broker %q: logout token: %w: the events claim's %s member is not a JSON object",
			b.cfg.Broker, domain.ErrInvalidLogoutToken, backChannelEvent)
	}
	switch {
	case lt.IssuedAt.IsZero():
		return nil, fmt.Errorf("oidc broker %q: logout token: %w: no issue time (iat)", b.cfg.Broker, domain.ErrInvalidLogoutToken)
	case lt.IssuedAt.After(b.cfg.now().Add(b.cfg.clockSkew())):
		return nil, fmt.Errorf("oidc broker %q: logout token: %w: issued in the future (iat %s)",
			b.cfg.Broker, domain.ErrInvalidLogoutToken, lt.IssuedAt.UTC().Format(time.RFC3339))
	}
	return &domain.LogoutToken{Subject: lt.Subject, SessionID: lt.SessionID, TokenID: lt.TokenID, Expiry: lt.Expiry}, nil
}
