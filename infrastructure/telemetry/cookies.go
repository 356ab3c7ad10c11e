package telemetry

import (
	"context"
	"net/http"

	"github.com/sessionauth/sessionauth/domain"
)

// CookieSessionRepository is a repository that keeps sessions in the
// visitor's cookies (domain.SessionCookies).
type CookieSessionRepository interface {
	domain.SessionRepository
	domain.SessionCookies
}

// CookieRepository is Repository for a repository that keeps sessions in
// cookies: it reports LoadCookies and SaveCookies as loads and saves.
type CookieRepository struct {
	*Repository
	cookies domain.SessionCookies
}

var _ CookieSessionRepository = (*CookieRepository)(nil)

// NewCookieRepository wraps repo, named backend, in the spans and metrics.
func NewCookieRepository(repo CookieSessionRepository, backend string, opts Options) *CookieRepository {
	return &CookieRepository{Repository: NewRepository(repo, backend, opts), cookies: repo}
}

// LoadCookies implements domain.SessionCookies.
func (r *CookieRepository) LoadCookies(ctx context.Context, cookies []*http.Cookie) (*domain.Session, error) {
	c := r.start(ctx, r.load)
	s, err := r.cookies.LoadCookies(c.ctx, cookies)
	c.end(err, s)
	return s, err
}

// SaveCookies implements domain.SessionCookies.
func (r *CookieRepository) SaveCookies(ctx context.Context, s *domain.Session, cookies []*http.Cookie) ([]*http.Cookie, error) {
	c := r.start(ctx, r.save)
	out, err := r.cookies.SaveCookies(c.ctx, s, cookies)
	c.end(err, s)
	return out, err
}
