package application

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/sessionauth/sessionauth/domain"
)

// refreshTimeout bounds one refresh; it runs detached from the request
// that started it, since other requests may wait for it too.
const refreshTimeout = 30 * time.Second

// Identity returns the session's identity with an access token that is
// not due, refreshing it first when it expires within RefreshLeeway and
// writing the refreshed tokens back into the session. Nobody logged in
// yields domain.ErrNotLoggedIn. A refresh token the provider rejected for
// good logs the user out (the identity is removed from the session) and
// yields an error matching both domain.ErrNotLoggedIn and
// domain.ErrRefreshRejected. A transient failure keeps the identity and
// returns it while its access token is still valid.
func (m *AuthManager) Identity(ctx context.Context, s *domain.Session) (*domain.Identity, error) {
	id, ok := m.identity(ctx, s)
	if !ok {
		return nil, fmt.Errorf("auth manager: %w", domain.ErrNotLoggedIn)
	}
	if id.Expiry.IsZero() || m.opts.Clock().Add(m.opts.RefreshLeeway).Before(id.Expiry) {
		return id, nil
	}
	next, err := m.refresh(ctx, s, id)
	if err != nil && !errors.Is(err, domain.ErrNotLoggedIn) && m.opts.Clock().Before(id.Expiry) {
		m.log.WarnContext(ctx, "token refresh failed, the access token is still valid", "broker", id.Broker, "error", err)
		return id, nil
	}
	return next, err
}

// Refresh refreshes the session's tokens now, whether due or not.
//
// Deprecated: use RefreshIdentity, Flamingo's name for the same.
func (m *AuthManager) Refresh(ctx context.Context, s *domain.Session) (*domain.Identity, error) {
	return m.RefreshIdentity(ctx, s)
}

// refresh asks the broker for new tokens, at most once at a time per
// refresh token in this process, and stores the result in the session.
func (m *AuthManager) refreshTokens(ctx context.Context, s *domain.Session, id *domain.Identity) (*domain.Identity, error) {
	b, err := m.broker(id.Broker)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256([]byte(id.Broker + "\x00" + id.RefreshToken))
	next, err := m.flights.do(ctx, string(sum[:]), func(ctx context.Context) (*domain.Identity, error) {
		return b.Refresh(ctx, id)
	})
	if errors.Is(err, domain.ErrRefreshRejected) {
		m.log.InfoContext(ctx, "refresh token rejected, logged out", "broker", id.Broker, "subject", id.Subject, "error", err)
		if cur, ok := m.identity(ctx, s); ok && cur.RefreshToken == id.RefreshToken {
			s.Delete(identityKey)
			m.fireLogout(ctx, s, id)
		}
		return nil, fmt.Errorf("auth manager: refresh: %w: %w", domain.ErrNotLoggedIn, err)
	}
	if err != nil {
		return nil, fmt.Errorf("auth manager: refresh: %w", err)
	}
	m.storeIdentity(s, next)
	return next, nil
}

// HTTPClient returns a client that sends the session's access token with
// every request, refreshing it when due (see Identity). Nobody logged in
// yields domain.ErrNotLoggedIn.
func (m *AuthManager) HTTPClient(ctx context.Context, s *domain.Session) (*http.Client, error) {
	if _, ok := m.identity(ctx, s); !ok {
		return nil, fmt.Errorf("auth manager: http client: %w", domain.ErrNotLoggedIn)
	}
	return &http.Client{Transport: &bearer{m: m, s: s, base: m.opts.Transport}}, nil
}

// bearer adds the access token to each request.
type bearer struct {
	m    *AuthManager
	s    *domain.Session
	base http.RoundTripper
}

func (t *bearer) RoundTrip(req *http.Request) (*http.Response, error) {
	id, err := t.m.Identity(req.Context(), t.s)
	if err != nil {
		if req.Body != nil {
			_ = req.Body.Close()
		}
		return nil, err
	}
	typ := id.TokenType
	if typ == "" {
		typ = "Bearer"
	}
	r := req.Clone(req.Context())
	r.Header.Set("Authorization", typ+" "+id.AccessToken)
	return t.base.RoundTrip(r)
}
