package web_test

import (
	"context"
	"testing"

	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/interfaces/web"
)

func TestSessionFromContext(t *testing.T) {
	if s := web.SessionFromContext(context.Background()); s != nil {
		t.Fatalf("SessionFromContext(empty context) = %v; want nil", s)
	}
	s := domain.NewSession()
	ctx := web.ContextWithSession(context.Background(), s)
	if got := web.SessionFromContext(ctx); got != s {
		t.Fatalf("SessionFromContext = %p; want the session put in, %p", got, s)
	}
	if got := web.SessionFromContext(context.WithValue(ctx, otherKey{}, 1)); got != s {
		t.Fatalf("SessionFromContext through a derived context = %p; want %p", got, s)
	}
}

type otherKey struct{}
