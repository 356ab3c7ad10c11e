package telemetry

import (
	"context"
	"errors"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"

	"github.com/sessionauth/sessionauth/domain"
)

// Repository is a domain.SessionRepository that reports each call of the
// one it wraps. It has none of the wrapped repository's optional powers
// (domain.SessionIndex, health): hand it only to what loads and saves,
// such as the session middleware, and use Unwrap for the rest.
type Repository struct {
	inner    domain.SessionRepository
	backend  attribute.KeyValue
	tracer   trace.Tracer
	ops      metric.Int64Counter
	duration metric.Float64Histogram
	size     metric.Int64Histogram
	merged   metric.Int64Counter
}

var _ domain.SessionRepository = (*Repository)(nil)

// NewRepository wraps repo, named backend ("memory", "redis", ...) in
// the spans and metrics.
func NewRepository(repo domain.SessionRepository, backend string, opts Options) *Repository {
	m := opts.meter()
	return &Repository{
		inner: repo, backend: AttrBackend.String(backend), tracer: opts.tracer(),
		ops: must(m.Int64Counter("sessionauth.session.operations",
			metric.WithDescription("session loads, saves and deletes, by backend and outcome"))),
		duration: must(m.Float64Histogram("sessionauth.session.duration", metric.WithUnit("s"),
			metric.WithDescription("time of one session load, save or delete"))),
		size: must(m.Int64Histogram("sessionauth.session.size", metric.WithUnit("By"),
			metric.WithDescription("encoded size of a session loaded or saved"))),
		merged: must(m.Int64Counter("sessionauth.session.conflicts.merged",
			metric.WithDescription("saves that merged changes another request saved since the load, by backend (backends that tell)"))),
	}
}

// Unwrap returns the wrapped repository.
func (r *Repository) Unwrap() domain.SessionRepository { return r.inner }

// Load implements domain.SessionRepository.
func (r *Repository) Load(ctx context.Context, id string) (*domain.Session, error) {
	ctx, done := r.start(ctx, "load")
	s, err := r.inner.Load(ctx, id)
	done(err, s)
	return s, err
}

// Save implements domain.SessionRepository.
func (r *Repository) Save(ctx context.Context, s *domain.Session) error {
	ctx, done := r.start(ctx, "save")
	err := r.inner.Save(ctx, s)
	done(err, s)
	return err
}

// Delete implements domain.SessionRepository.
func (r *Repository) Delete(ctx context.Context, id string) error {
	ctx, done := r.start(ctx, "delete")
	err := r.inner.Delete(ctx, id)
	done(err, nil)
	return err
}

// start opens the span of op; done ends it with the outcome and records
// the metrics.
func (r *Repository) start(ctx context.Context, op string) (context.Context, func(error, *domain.Session)) {
	began := time.Now()
	operation := AttrOperation.String(op)
	ctx, span := r.tracer.Start(ctx, "sessionauth.session."+op, trace.WithSpanKind(trace.SpanKindInternal),
		trace.WithAttributes(r.backend, operation))
	ctx, trips := withRoundTrips(ctx)
	return ctx, func(err error, s *domain.Session) {
		outcome := sessionOutcome(err)
		attrs := []attribute.KeyValue{r.backend, operation}
		span.SetAttributes(AttrOutcome.String(outcome))
		if n := trips.Load(); n > 0 {
			span.SetAttributes(AttrRoundTrips.Int64(n))
		}
		if bytes := storedSize(err, s); bytes > 0 {
			span.SetAttributes(AttrBytes.Int(bytes))
			r.size.Record(ctx, int64(bytes), metric.WithAttributes(attrs...))
		}
		if op == "save" && err == nil {
			r.noteMerged(ctx, span, s)
		}
		if outcome == "error" || outcome == "timeout" {
			span.SetStatus(codes.Error, outcome)
		}
		span.End()
		r.duration.Record(ctx, time.Since(began).Seconds(), metric.WithAttributes(attrs...))
		r.ops.Add(ctx, 1, metric.WithAttributes(append(attrs, AttrOutcome.String(outcome))...))
	}
}

// sessionOutcome names the outcome of a repository call, from a fixed set.
func sessionOutcome(err error) string {
	switch {
	case err == nil:
		return "ok"
	case errors.Is(err, domain.ErrSessionNotFound):
		return "not_found"
	case errors.Is(err, domain.ErrSessionTooLarge):
		return "too_large"
	case errors.Is(err, domain.ErrValueNotEncodable):
		return "not_encodable"
	case errors.Is(err, context.DeadlineExceeded):
		return "timeout"
	case errors.Is(err, context.Canceled):
		return "canceled"
	}
	return "error"
}

// storedSize is the size of a session loaded or saved; 0 after a failure
// or for a destroyed session.
func storedSize(err error, s *domain.Session) int {
	if err != nil || s == nil {
		return 0
	}
	return s.StoredSize()
}

// noteMerged marks the span of a save, and counts it, when the save merged
// changes another request saved since the load (domain.Session.MergedOthers).
func (r *Repository) noteMerged(ctx context.Context, span trace.Span, s *domain.Session) {
	if s.MergedOthers() {
		span.SetAttributes(AttrMerged.Bool(true))
		r.merged.Add(ctx, 1, metric.WithAttributes(r.backend))
	}
}
