package application

import (
	"context"
	"errors"
	"fmt"

	"github.com/sessionauth/sessionauth/domain"
)

// ErrBackChannelUnsupported means the broker cannot verify logout tokens
// (it does not implement domain.LogoutTokenVerifier).
var ErrBackChannelUnsupported = errors.New("the broker does not support back-channel logout")

// backChannelLogout is BackChannelLogout without the Observer.
func (m *AuthManager) backChannelLogout(ctx context.Context, broker, raw string) (int, error) {
	b, err := m.broker(broker)
	if err != nil {
		return 0, err
	}
	v, ok := b.(domain.LogoutTokenVerifier)
	if !ok {
		return 0, fmt.Errorf("auth manager: back-channel logout of %q: %w", broker, ErrBackChannelUnsupported)
	}
	if m.opts.Sessions == nil || m.opts.Sessions.index == nil {
		return 0, fmt.Errorf("auth manager: back-channel logout of %q: %w", broker, ErrNoSessionIndex)
	}
	tok, err := v.VerifyLogoutToken(ctx, raw)
	if err != nil {
		return 0, fmt.Errorf("auth manager: back-channel logout of %q: %w", broker, err)
	}
	if err := m.opts.Sessions.useTokenID(ctx, broker, tok); err != nil {
		return 0, fmt.Errorf("auth manager: back-channel logout of %q: %w", broker, err)
	}
	var n int
	if tok.SessionID != "" {
		n, err = m.opts.Sessions.EndProviderSession(ctx, broker, tok.SessionID, tok.Subject)
	} else {
		n, err = m.opts.Sessions.EndSubject(ctx, broker, tok.Subject)
	}
	if err != nil {
		return n, fmt.Errorf("auth manager: back-channel logout of %q: %w", broker, err)
	}
	m.log.InfoContext(ctx, "back-channel logout", "broker", broker, "subject", tok.Subject, "bySid", tok.SessionID != "", "sessionsEnded", n)
	return n, nil
}

// useTokenID records the logout token's jti in the index until the token
// expires, and refuses one recorded before. Two deliveries of one token
// at the same instant may both pass; both end the same sessions.
func (u *UserSessions) useTokenID(ctx context.Context, broker string, tok *domain.LogoutToken) error {
	key := "sessionauth jti\x00" + broker + "\x00" + tok.TokenID
	seen, err := u.index.Indexed(ctx, key)
	if err != nil {
		return err
	}
	if len(seen) > 0 {
		return fmt.Errorf("%w: jti used before", domain.ErrInvalidLogoutToken)
	}
	return u.index.Index(ctx, domain.NewSessionID(), []string{key}, tok.Expiry)
}
