// Package web is the HTTP side of sessionauth: the session middleware that
// loads and saves each visitor's session around a handler, and the helpers
// handlers use to reach that session.
package web

import (
	"context"
	"fmt"

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
// session of their own. A nil ctx counts as context.Background().
func ContextWithSession(ctx context.Context, s *Session) context.Context {
	if ctx == nil {
		ctx = context.Background()
	}
	return &sessionContext{Context: ctx, session: s}
}

// sessionContext is a context that carries a session: what
// context.WithValue(ctx, sessionKey{}, s) makes, as a type of its own so
// that the middleware can keep it in the allocation of its response
// writer.
type sessionContext struct {
	context.Context
	session *Session
	m       *SessionMiddleware // nil outside the middleware
}

// middlewareKey finds the SessionMiddleware that serves a request.
type middlewareKey struct{}

// Value returns the session for sessionKey and asks the parent context
// for any other key.
func (c *sessionContext) Value(key any) any {
	switch key.(type) {
	case sessionKey:
		return c.session
	case middlewareKey:
		if c.m != nil {
			return c.m
		}
	}
	return c.Context.Value(key)
}

// String describes the context as context.WithValue's String does.
func (c *sessionContext) String() string {
	parent := fmt.Sprintf("%T", c.Context)
	if s, ok := c.Context.(fmt.Stringer); ok {
		parent = s.String()
	}
	return parent + ".WithValue(web.sessionKey, *domain.Session)"
}
