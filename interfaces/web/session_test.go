package web_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

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

// TestContextWithSessionKeepsTheParent: the context that carries the
// session gives the parent's values, deadline and cancellation, also to
// contexts derived from it.
func TestContextWithSessionKeepsTheParent(t *testing.T) {
	deadline := time.Now().Add(time.Hour)
	parent, cancel := context.WithDeadline(context.WithValue(context.Background(), otherKey{}, "parent value"), deadline)
	s := domain.NewSession()
	ctx := web.ContextWithSession(parent, s)
	child, stop := context.WithCancel(ctx)
	defer stop()
	if v := ctx.Value(otherKey{}); v != "parent value" {
		t.Errorf("Value(otherKey) = %v; want the parent's", v)
	}
	if d, ok := ctx.Deadline(); !ok || !d.Equal(deadline) {
		t.Errorf("Deadline() = %v, %v; want the parent's %v", d, ok, deadline)
	}
	if ctx.Err() != nil || child.Err() != nil {
		t.Fatalf("Err() = %v, child %v before the parent ends", ctx.Err(), child.Err())
	}
	cancel()
	<-ctx.Done()
	<-child.Done()
	if !errors.Is(ctx.Err(), context.Canceled) || !errors.Is(child.Err(), context.Canceled) {
		t.Errorf("Err() = %v, child %v after the parent was canceled", ctx.Err(), child.Err())
	}
	if got := web.SessionFromContext(child); got != s {
		t.Errorf("SessionFromContext(child) = %p; want %p", got, s)
	}
	if str := fmt.Sprint(ctx); !strings.HasSuffix(str, ".WithValue(web.sessionKey, *domain.Session)") || !strings.Contains(str, "WithDeadline") {
		t.Errorf("String() = %q", str)
	}
}

// TestContextWithSessionOfNilParent: a nil parent gives a usable context
// that carries the session, not a panic.
func TestContextWithSessionOfNilParent(t *testing.T) {
	s := domain.NewSession()
	//lint:ignore SA1012 a nil parent is what is tested
	ctx := web.ContextWithSession(nil, s)
	if ctx.Err() != nil || ctx.Done() != nil {
		t.Fatalf("Err() = %v, Done() = %v; want a context that never ends, as context.Background()", ctx.Err(), ctx.Done())
	}
	if web.SessionFromContext(ctx) == nil {
		t.Fatal("SessionFromContext found no session")
	}
}
