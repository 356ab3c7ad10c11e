package application

import (
	"context"

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
// the session. The zero value is ready to use.
type UserService struct{}

// GetUser returns a copy of the logged-in user or a guest.
func (*UserService) GetUser(_ context.Context, s *domain.Session) *domain.User {
	id, ok := identity(s)
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
func (*UserService) IsLoggedIn(_ context.Context, s *domain.Session) bool {
	_, ok := identity(s)
	return ok
}
