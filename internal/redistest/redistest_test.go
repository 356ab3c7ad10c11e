package redistest_test

import (
	"context"
	"testing"

	"github.com/sessionauth/sessionauth/internal/redistest"
)

func TestStartAll(t *testing.T) {
	ctx := context.Background()
	s := redistest.Standalone(t)
	if err := s.Client(t).Set(ctx, "a", "b", 0).Err(); err != nil {
		t.Fatal(err)
	}
	tl := redistest.Start(t, redistest.Options{TLS: true})
	if err := tl.Client(t).Ping(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	c := redistest.Cluster(t, false)
	if err := c.Client(t).Set(ctx, "x", "y", 0).Err(); err != nil {
		t.Fatal(err)
	}
	ct := redistest.Cluster(t, true)
	if err := ct.Client(t).Set(ctx, "x", "y", 0).Err(); err != nil {
		t.Fatal(err)
	}
}
