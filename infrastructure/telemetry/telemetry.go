// Package telemetry reports what sessions and logins do as OpenTelemetry
// spans and metrics, through decorators that the wiring puts around the
// parts, so that every backend and broker is covered alike:
//
//   - NewRepository wraps a domain.SessionRepository: a span per load,
//     save and delete (backend, outcome, bytes, Redis round trips) and the
//     sessionauth.session.* metrics.
//   - NewObserver is an application.Observer: a span per login start,
//     callback, refresh, logout and back-channel logout (broker, outcome)
//     and the
//     sessionauth.auth.* metrics.
//   - RoundTrips is a go-redis hook that counts a span's round trips.
//
// It uses the OpenTelemetry API only: without an SDK set up by the
// application every call is a no-op. No attribute holds a session ID, a
// token, a cookie or anything a visitor typed; the outcome of a failure
// is one of a fixed set of words. docs/operations.md lists the metrics.
package telemetry

import (
	"context"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"
)

// Scope is the instrumentation scope of the tracer and the meter.
const Scope = "github.com/sessionauth/sessionauth"

// Attribute keys.
const (
	AttrBackend    = attribute.Key("sessionauth.backend")
	AttrOperation  = attribute.Key("sessionauth.operation")
	AttrOutcome    = attribute.Key("sessionauth.outcome")
	AttrBytes      = attribute.Key("sessionauth.session.bytes")
	AttrRoundTrips = attribute.Key("sessionauth.redis.round_trips")
	AttrBroker     = attribute.Key("sessionauth.broker")
	AttrJoined     = attribute.Key("sessionauth.refresh.joined")
	AttrReason     = attribute.Key("sessionauth.reason")
	AttrSessions   = attribute.Key("sessionauth.sessions_ended")
	AttrMerged     = attribute.Key("sessionauth.session.merged")
)

// Options choose where spans and metrics go.
type Options struct {
	// TracerProvider makes the tracer; nil means otel.GetTracerProvider().
	TracerProvider trace.TracerProvider
	// MeterProvider makes the meter; nil means otel.GetMeterProvider().
	MeterProvider metric.MeterProvider
}

func (o Options) tracer() trace.Tracer {
	tp := o.TracerProvider
	if tp == nil {
		tp = otel.GetTracerProvider()
	}
	return tp.Tracer(Scope)
}

func (o Options) meter() metric.Meter {
	mp := o.MeterProvider
	if mp == nil {
		mp = otel.GetMeterProvider()
	}
	return mp.Meter(Scope)
}

// must keeps the instrument an SDK made; on an error (a bad name, which
// the tests rule out) the API's no-op instrument is used by the SDK
// anyway, so the error is dropped.
func must[T any](instrument T, _ error) T { return instrument }

// NewEvictionCounter returns a function that counts one session that the
// named backend evicted to make room (sessionauth.session.evictions); set
// it as memorystore.Options.Evicted.
func NewEvictionCounter(backend string, opts Options) func() {
	evictions := must(opts.meter().Int64Counter("sessionauth.session.evictions",
		metric.WithDescription("sessions evicted to make room under the backend's cap, by backend")))
	attrs := metric.WithAttributes(AttrBackend.String(backend))
	return func() { evictions.Add(context.Background(), 1, attrs) }
}
