package main

import (
	"bytes"
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"go.opentelemetry.io/otel"
)

// TestTelemetryExporters sets up each exporter OTEL_EXPORTER offers, serves
// a few requests and a login, and looks for sessionauth's spans and
// metrics in what it exports.
func TestTelemetryExporters(t *testing.T) {
	tests := []struct {
		kind string
		want []string
	}{
		{"stdout", []string{`"Name": "sessionauth.session.save"`, `"Name": "sessionauth.auth.callback"`, "sessionauth.session.operations"}},
		{"prometheus", []string{`sessionauth_session_operations_total{`, `sessionauth_operation="save"`, `sessionauth_auth_operations_total{`, `sessionauth_session_duration_seconds_bucket{`}},
	}
	for _, tc := range tests {
		t.Run(tc.kind, func(t *testing.T) {
			tp, mp := otel.GetTracerProvider(), otel.GetMeterProvider()
			t.Cleanup(func() { otel.SetTracerProvider(tp); otel.SetMeterProvider(mp) })
			var out bytes.Buffer
			metrics, flush, err := setupTelemetry(tc.kind, &out)
			if err != nil {
				t.Fatal(err)
			}
			u := newUser(t, startExample(t, nil))
			u.get("/")
			u.login("alice", "secret")
			var exported string
			if metrics != nil {
				rec := httptest.NewRecorder()
				metrics.ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
				exported = rec.Body.String()
			}
			if err := flush(context.Background()); err != nil {
				t.Fatal(err)
			}
			if metrics == nil {
				exported = out.String()
			}
			for _, w := range tc.want {
				if !strings.Contains(exported, w) {
					t.Errorf("the %s export lacks %s:\n%.3000s", tc.kind, w, exported)
				}
			}
		})
	}
	if _, _, err := setupTelemetry("jaeger", nil); err == nil || !strings.Contains(err.Error(), "OTEL_EXPORTER") {
		t.Errorf("an unknown exporter gave %v, want an error naming OTEL_EXPORTER", err)
	}
}
