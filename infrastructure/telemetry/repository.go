package telemetry

import (
	"context"
	"errors"
	"sync/atomic"
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
	tracer   trace.Tracer
	ops      metric.Int64Counter
	duration metric.Float64Histogram
	size     metric.Int64Histogram
	merged   metric.Int64Counter

	// The span options and metric attributes of each operation, made
	// once: building them on every call cost more than the call's
	// telemetry itself when no SDK is set up.
	load, save, del *operation
	mergedAttrs     []metric.AddOption
}

// operation is what the telemetry of one repository operation needs, made
// once per Repository.
type operation struct {
	span     string // the span's name
	start    []trace.SpanStartOption
	attrs    []metric.RecordOption         // backend and operation
	outcomes map[string][]metric.AddOption // backend, operation and the outcome
}

// outcomes are the words sessionOutcome answers with.
var outcomes = []string{"ok", "not_found", "too_large", "not_encodable", "timeout", "canceled", "error"}

func newOperation(backend attribute.KeyValue, name string) *operation {
	op := AttrOperation.String(name)
	o := &operation{
		span:     "sessionauth.session." + name,
		start:    []trace.SpanStartOption{trace.WithSpanKind(trace.SpanKindInternal), trace.WithAttributes(backend, op)},
		attrs:    []metric.RecordOption{metric.WithAttributeSet(attribute.NewSet(backend, op))},
		outcomes: make(map[string][]metric.AddOption, len(outcomes)),
	}
	for _, outcome := range outcomes {
		o.outcomes[outcome] = []metric.AddOption{metric.WithAttributeSet(attribute.NewSet(backend, op, AttrOutcome.String(outcome)))}
	}
	return o
}

var _ domain.SessionRepository = (*Repository)(nil)

// NewRepository wraps repo, named backend ("memory", "redis", ...) in
// the spans and metrics.
func NewRepository(repo domain.SessionRepository, backend string, opts Options) *Repository {
	m := opts.meter()
	attr := AttrBackend.String(backend)
	return &Repository{
		inner: repo, tracer: opts.tracer(),
		load: newOperation(attr, "load"), save: newOperation(attr, "save"), del: newOperation(attr, "delete"),
		mergedAttrs: []metric.AddOption{metric.WithAttributeSet(attribute.NewSet(attr))},
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
	c := r.start(ctx, r.load)
	s, err := r.inner.Load(c.ctx, id)
	c.end(err, s)
	return s, err
}

// Save implements domain.SessionRepository.
func (r *Repository) Save(ctx context.Context, s *domain.Session) error {
	c := r.start(ctx, r.save)
	err := r.inner.Save(c.ctx, s)
	c.end(err, s)
	return err
}

// Delete implements domain.SessionRepository.
func (r *Repository) Delete(ctx context.Context, id string) error {
	c := r.start(ctx, r.del)
	err := r.inner.Delete(c.ctx, id)
	c.end(err, nil)
	return err
}

// call is one repository call under way: its span, and what end reports.
type call struct {
	r     *Repository
	op    *operation
	ctx   context.Context
	span  trace.Span
	trips *atomic.Int64 // nil when the span records nothing
	began time.Time
}

// start opens the span of op. The round trips are counted only for a
// span that records them.
func (r *Repository) start(ctx context.Context, op *operation) call {
	c := call{r: r, op: op, began: time.Now()}
	c.ctx, c.span = r.tracer.Start(ctx, op.span, op.start...)
	if c.span.IsRecording() {
		c.ctx, c.trips = withRoundTrips(c.ctx)
	}
	return c
}

// roundTrips is the number of round trips counted so far.
func (c call) roundTrips() int64 {
	if c.trips == nil {
		return 0
	}
	return c.trips.Load()
}

// end ends the span with the outcome and records the metrics.
func (c call) end(err error, s *domain.Session) {
	r, ctx, span := c.r, c.ctx, c.span
	outcome := sessionOutcome(err)
	if span.IsRecording() {
		span.SetAttributes(AttrOutcome.String(outcome))
		if n := c.roundTrips(); n > 0 {
			span.SetAttributes(AttrRoundTrips.Int64(n))
		}
	}
	if bytes := storedSize(err, s); bytes > 0 {
		if span.IsRecording() {
			span.SetAttributes(AttrBytes.Int(bytes))
		}
		r.size.Record(ctx, int64(bytes), c.op.attrs...)
	}
	if c.op == r.save && err == nil {
		r.noteMerged(ctx, span, s)
	}
	if outcome == "error" || outcome == "timeout" {
		span.SetStatus(codes.Error, outcome)
	}
	span.End()
	r.duration.Record(ctx, time.Since(c.began).Seconds(), c.op.attrs...)
	r.ops.Add(ctx, 1, c.op.outcomes[outcome]...)
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
		r.merged.Add(ctx, 1, r.mergedAttrs...)
	}
}
