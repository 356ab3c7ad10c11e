package application

import (
	"context"
	"time"

	"github.com/sessionauth/sessionauth/domain"
)

// UserServiceInterface tells who is behind a session.
type UserServiceInterface interface {
	// GetUser returns the logged-in user, or a guest (Type
	// domain.UserTypeGuest) when nobody is logged in. Never nil.
	GetUser(ctx context.Context, s *domain.Session) *domain.User
	// IsLoggedIn reports whether the session holds an identity.
	IsLoggedIn(ctx context.Context, s *domain.Session) bool
}

var _ UserServiceInterface = (*UserService)(nil)

// UserService reads the user from the identity the AuthManager stored in
// the session. The zero value is ready to use; with Tokens set (the
// AuthManager's sealer), a session whose tokens were sealed with a key that
// is not configured any more counts as logged out, as it does for the
// AuthManager.
type UserService struct {
	Tokens *TokenSealer
}

// GetUser returns a copy of the logged-in user or a guest.
func (us *UserService) GetUser(_ context.Context, s *domain.Session) *domain.User {
	id, ok := us.identity(s)
	if !ok {
		return domain.Guest()
	}
	u := id.User
	u.Type = domain.UserTypeUser
	if u.Sub == "" {
		u.Sub = id.Subject
	}
	return &u
}

// IsLoggedIn reports whether the session holds an identity.
func (us *UserService) IsLoggedIn(_ context.Context, s *domain.Session) bool {
	_, ok := us.identity(s)
	return ok
}

// identity returns the stored identity, its tokens still sealed, when
// Tokens is nil or opens them.
func (us *UserService) identity(s *domain.Session) (*domain.Identity, bool) {
	id, ok := identity(s)
	if !ok || us.Tokens == nil {
		return id, ok
	}
	_, err := us.Tokens.Open(*id)
	return id, err == nil
}

// Satisfies reports whether the session's login meets q at now: nil when
// it does, an error wrapping domain.ErrNotLoggedIn when nobody is logged
// in, one wrapping domain.ErrInsufficientAuthentication when the login is
// too old or too weak (see domain.AuthRequirement.Check). broker is the
// broker of the login, "" when nobody is logged in.
func (us *UserService) Satisfies(_ context.Context, s *domain.Session, q domain.AuthRequirement, now time.Time) (broker string, err error) {
	id, ok := us.identity(s)
	if !ok {
		return "", domain.ErrNotLoggedIn
	}
	return id.Broker, q.Check(id, now)
}
