package sessionauth

import (
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"

	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/infrastructure/telemetry"
)

// telemetryBinding is where the modules' spans and metrics go: the
// OpenTelemetry providers a user may bind,
//
//	injector.Bind(new(trace.TracerProvider)).ToInstance(tp)
//	injector.Bind(new(metric.MeterProvider)).ToInstance(mp)
//
// otel's global providers without a binding. The session middleware and
// the gorilla store load and save through a telemetry.Repository, the
// AuthManager reports to a telemetry.Observer, and the Redis client counts
// round trips (telemetry.RoundTrips).
type telemetryBinding struct {
	Tracer trace.TracerProvider `inject:",optional"`
	Meter  metric.MeterProvider `inject:",optional"`
}

// wrap puts repo, of the named backend, in a telemetry.Repository.
func (b *telemetryBinding) wrap(repo domain.SessionRepository, backend string) domain.SessionRepository {
	if repo == nil {
		return nil
	}
	if cookies, ok := repo.(telemetry.CookieSessionRepository); ok {
		return telemetry.NewCookieRepository(cookies, backend, b.options())
	}
	return telemetry.NewRepository(repo, backend, b.options())
}

func (b *telemetryBinding) options() telemetry.Options {
	return telemetry.Options{TracerProvider: b.Tracer, MeterProvider: b.Meter}
}
