package application

import (
	"context"
	"fmt"
	"slices"

	"github.com/sessionauth/sessionauth/domain"
)

// FrontChannel returns how front-channel logout requests of broker are
// checked: domain.ErrUnknownBroker, domain.ErrFrontChannelDisabled when the
// broker does not do front-channel logout (or cannot), or the provider's
// discovery error.
func (m *AuthManager) FrontChannel(ctx context.Context, broker string) (domain.FrontChannel, error) {
	b, err := m.broker(broker)
	if err != nil {
		return domain.FrontChannel{}, err
	}
	f, ok := b.(domain.FrontChannelLogouter)
	if !ok {
		return domain.FrontChannel{}, fmt.Errorf("auth manager: front-channel logout of %q: %w", broker, domain.ErrFrontChannelDisabled)
	}
	return f.FrontChannel(ctx)
}

// frontChannelLogout is FrontChannelLogout without the Observer.
func (m *AuthManager) frontChannelLogout(ctx context.Context, s *domain.Session, broker, iss, sid string) (FrontChannelResult, error) {
	fc, err := m.FrontChannel(ctx, broker)
	if err != nil {
		return FrontChannelResult{}, err
	}
	if err := checkFrontChannel(fc, iss, sid); err != nil {
		return FrontChannelResult{}, fmt.Errorf("auth manager: front-channel logout of %q: %w", broker, err)
	}
	var res FrontChannelResult
	rec, hasRecord := s.Try(recordKey).(sessionRecord)
	id, loggedIn := identity(s)
	mine := loggedIn && id.Broker == broker && hasRecord
	if sid != "" {
		// Without a sid (the spec's basic mode) the request's own session
		// is the one to end; with one, only when it logged in through it.
		mine = mine && slices.Contains(rec.Keys, sidKey(broker, sid))
	}
	if mine {
		s.Delete(identityKey)
		s.Destroy()
		res.Current, res.Ended = true, 1
		m.fireLogout(ctx, s, id)
	}
	if sid == "" {
		return res, nil
	}
	if m.opts.Sessions == nil || m.opts.Sessions.index == nil {
		if mine {
			return res, nil
		}
		return res, fmt.Errorf("auth manager: front-channel logout of %q: %w", broker, ErrNoSessionIndex)
	}
	n, err := m.opts.Sessions.EndProviderSession(ctx, broker, sid, "")
	if mine && n > 0 {
		n-- // the request's own session is in the index too
	}
	res.Ended += n
	if err != nil {
		return res, fmt.Errorf("auth manager: front-channel logout of %q: %w", broker, err)
	}
	m.log.InfoContext(ctx, "front-channel logout", "broker", broker, "sessionsEnded", res.Ended, "current", res.Current)
	return res, nil
}

// checkFrontChannel checks a request's iss and sid: a provider that always
// sends them must have sent both; an iss sent must be the provider's; a
// sid comes with an iss, so that one provider cannot name another's
// sessions.
func checkFrontChannel(fc domain.FrontChannel, iss, sid string) error {
	switch {
	case fc.SessionRequired && (iss == "" || sid == ""):
		return fmt.Errorf("%w: the provider sends iss and sid (frontchannel_logout_session_supported), and this request lacks one", domain.ErrInvalidFrontChannelRequest)
	case sid != "" && iss == "":
		return fmt.Errorf("%w: a sid without an iss", domain.ErrInvalidFrontChannelRequest)
	case iss != "" && iss != fc.Issuer:
		return fmt.Errorf("%w: front-channel logout names issuer %q, not %q", domain.ErrIssuerMismatch, iss, fc.Issuer)
	}
	return nil
}

// FrontChannelResult is what a front-channel logout ended.
type FrontChannelResult struct {
	// Ended is the number of logged-in sessions it ended.
	Ended int
	// Current is true when the request's own session was one of them.
	Current bool
}
