// Package web is the HTTP side of sessionauth: the session middleware that
// loads and saves each visitor's session around a handler, and the helpers
// handlers use to reach that session.
package web

import (
	"context"

	"github.com/sessionauth/sessionauth/domain"
)

// Session is the visitor's web session, as SessionMiddleware puts it in the
// request context.
type Session = domain.Session

// sessionKey is the context key of the request's session.
type sessionKey struct{}

// SessionFromContext returns the session SessionMiddleware put in ctx, or
// nil when ctx carries none (the handler does not run behind the middleware).
func SessionFromContext(ctx context.Context) *Session {
	s, _ := ctx.Value(sessionKey{}).(*Session)
	return s
}

// ContextWithSession returns a copy of ctx that carries s. The middleware
// calls it for every request; tests of handlers call it to hand them a
// session of their own.
func ContextWithSession(ctx context.Context, s *Session) context.Context {
	return context.WithValue(ctx, sessionKey{}, s)
}
