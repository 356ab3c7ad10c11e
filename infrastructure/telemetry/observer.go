package telemetry

import (
	"context"
	"errors"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"

	"github.com/sessionauth/sessionauth/application"
	"github.com/sessionauth/sessionauth/domain"
)

// Observer is an application.Observer that reports the AuthManager's use
// cases as spans and metrics.
type Observer struct {
	tracer   trace.Tracer
	ops      metric.Int64Counter
	duration metric.Float64Histogram
	joined   metric.Int64Counter
	refused  metric.Int64Counter
	active   metric.Int64UpDownCounter
}

var _ application.Observer = (*Observer)(nil)

// NewObserver returns an Observer; set it as application.Options.Observer.
func NewObserver(opts Options) *Observer {
	m := opts.meter()
	return &Observer{
		tracer: opts.tracer(),
		ops: must(m.Int64Counter("sessionauth.auth.operations",
			metric.WithDescription("login starts, callbacks, refreshes and logouts, by broker and outcome"))),
		duration: must(m.Float64Histogram("sessionauth.auth.duration", metric.WithUnit("s"),
			metric.WithDescription("time of one login start, callback, refresh or logout"))),
		joined: must(m.Int64Counter("sessionauth.auth.refresh.joined",
			metric.WithDescription("refreshes that shared another request's call to the provider"))),
		refused: must(m.Int64Counter("sessionauth.auth.refused",
			metric.WithDescription("logins and refreshes refused because of a token, state or code, by reason"))),
		active: must(m.Int64UpDownCounter("sessionauth.auth.logins.active",
			metric.WithDescription("logins completed minus sessions logged out, by broker, on this instance (approximate: sessions that expire are not subtracted)"))),
	}
}

// Begin implements application.Observer.
func (o *Observer) Begin(ctx context.Context, op application.Operation, broker string) (context.Context, func(application.Outcome)) {
	began := time.Now()
	attrs := []attribute.KeyValue{AttrOperation.String(string(op)), AttrBroker.String(broker)}
	ctx, span := o.tracer.Start(ctx, "sessionauth.auth."+string(op), trace.WithAttributes(attrs...))
	return ctx, func(out application.Outcome) {
		outcome, refused := authOutcome(out.Err)
		span.SetAttributes(AttrOutcome.String(outcome))
		switch op {
		case application.OpRefresh:
			span.SetAttributes(AttrJoined.Bool(out.Joined))
		case application.OpBackChannelLogout, application.OpFrontChannelLogout:
			span.SetAttributes(AttrSessions.Int(out.Sessions))
		}
		if out.Err != nil {
			span.SetStatus(codes.Error, outcome)
		}
		span.End()
		o.duration.Record(ctx, time.Since(began).Seconds(), metric.WithAttributes(attrs...))
		o.ops.Add(ctx, 1, metric.WithAttributes(append(attrs, AttrOutcome.String(outcome))...))
		if out.Joined {
			o.joined.Add(ctx, 1, metric.WithAttributes(attrs[1]))
		}
		if refused {
			o.refused.Add(ctx, 1, metric.WithAttributes(attrs[0], AttrReason.String(outcome)))
		}
		o.countActive(ctx, op, out, attrs[1])
	}
}

// authReasons name the errors of the use cases; refused marks those that
// are a token, state or code the application would not accept.
var authReasons = []struct {
	err     error
	name    string
	refused bool
}{
	{domain.ErrInvalidState, "invalid_state", true},
	{domain.ErrIssuerMismatch, "issuer_mismatch", true},
	{domain.ErrNonceMismatch, "nonce_mismatch", true},
	{domain.ErrInvalidIDToken, "invalid_id_token", true},
	{domain.ErrInvalidCode, "invalid_code", true},
	{domain.ErrRefreshRejected, "refresh_rejected", true},
	{domain.ErrInvalidLogoutToken, "invalid_logout_token", true},
	{domain.ErrInvalidFrontChannelRequest, "invalid_frontchannel_request", true},
	{domain.ErrFrontChannelDisabled, "frontchannel_disabled", false},
	{domain.ErrInsufficientAuthentication, "insufficient_authentication", true},
	{domain.ErrInvalidLoginRequest, "invalid_login_request", false},
	{domain.ErrInvalidCredentials, "invalid_credentials", false},
	{domain.ErrProviderUnavailable, "provider_unavailable", false},
	{domain.ErrUnknownBroker, "unknown_broker", false},
	{domain.ErrNotLoggedIn, "not_logged_in", false},
	{context.DeadlineExceeded, "timeout", false},
}

// authOutcome names the outcome of a use case, from a fixed set.
func authOutcome(err error) (string, bool) {
	if err == nil {
		return "ok", false
	}
	for _, r := range authReasons {
		if errors.Is(err, r.err) {
			return r.name, r.refused
		}
	}
	var pe *domain.ProviderError
	if errors.As(err, &pe) {
		return "provider_error", false
	}
	return "error", false
}

// countActive adds a completed login to sessionauth.auth.logins.active and
// subtracts the logged-in sessions a logout ended.
func (o *Observer) countActive(ctx context.Context, op application.Operation, out application.Outcome, broker attribute.KeyValue) {
	switch {
	case op == application.OpCallback && out.Err == nil:
		o.active.Add(ctx, 1, metric.WithAttributes(broker))
	case (op == application.OpLogout || op == application.OpBackChannelLogout || op == application.OpFrontChannelLogout) && out.Sessions > 0:
		o.active.Add(ctx, -int64(out.Sessions), metric.WithAttributes(broker))
	}
}
