package application

import (
	"context"
	"fmt"

	"github.com/sessionauth/sessionauth/domain"
)

// RefreshIdentity renews the logged-in user's tokens and claims now,
// whether they are due or not, as Flamingo's RefreshIdentity does: the
// broker redeems the refresh token, verifies a new ID token with the rules
// of the login (same subject), fetches userinfo again when claims are
// mapped from it, and the session stores the result. Concurrent calls,
// and automatic refreshes of the same tokens, share one call to the
// provider. Errors are those of Identity: domain.ErrNotLoggedIn when
// nobody is logged in, or the provider refused the refresh token for good
// (the user is logged out); any other error leaves the session as it was.
func (m *AuthManager) RefreshIdentity(ctx context.Context, s *domain.Session) (*domain.Identity, error) {
	id, ok := m.identity(ctx, s)
	if !ok {
		return nil, fmt.Errorf("auth manager: %w", domain.ErrNotLoggedIn)
	}
	return m.refresh(ctx, s, id)
}
