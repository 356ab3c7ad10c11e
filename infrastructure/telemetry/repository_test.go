package telemetry_test

import (
	"context"
	"strings"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/infrastructure/memorystore"
	"github.com/sessionauth/sessionauth/infrastructure/telemetry"
	"github.com/sessionauth/sessionauth/sessiontest"
)

// The decorator keeps the contract of what it wraps.
func TestRepositoryContract(t *testing.T) {
	sessiontest.Run(t, func(t *testing.T, cfg sessiontest.Config) domain.SessionRepository {
		return telemetry.NewRepository(memorystore.New(memorystore.Options{MaxAge: cfg.MaxAge, MaxSize: cfg.MaxSize}), "memory", telemetry.Options{})
	})
}

func TestRepositoryOutcomes(t *testing.T) {
	spans := tracetest.NewSpanRecorder()
	repo := telemetry.NewRepository(memorystore.New(memorystore.Options{MaxSize: 100}), "memory",
		telemetry.Options{TracerProvider: sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans))})
	ctx := context.Background()
	unknown := domain.NewSession().ID()
	_, _ = repo.Load(ctx, unknown)
	big := domain.NewSession()
	big.Store("blob", strings.Repeat("x", 200))
	_ = repo.Save(ctx, big)
	ok := domain.NewSession()
	ok.Store("a", 1)
	_ = repo.Save(ctx, ok)
	_ = repo.Delete(ctx, ok.ID())

	want := []struct{ name, outcome string }{
		{"sessionauth.session.load", "not_found"}, {"sessionauth.session.save", "too_large"},
		{"sessionauth.session.save", "ok"}, {"sessionauth.session.delete", "ok"},
	}
	ended := spans.Ended()
	if len(ended) != len(want) {
		t.Fatalf("%d spans, want %d", len(ended), len(want))
	}
	for i, w := range want {
		set := attribute.NewSet(ended[i].Attributes()...)
		if v, _ := set.Value("sessionauth.outcome"); ended[i].Name() != w.name || v.AsString() != w.outcome {
			t.Errorf("span %d: %s %v, want %s with outcome %s", i, ended[i].Name(), set, w.name, w.outcome)
		}
		for _, a := range ended[i].Attributes() {
			if strings.Contains(a.Value.String(), unknown) || strings.Contains(a.Value.String(), ok.ID()) {
				t.Errorf("span %s: attribute %s holds a session ID", ended[i].Name(), a.Key)
			}
		}
	}
}
