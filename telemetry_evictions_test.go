package sessionauth_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"testing"

	"flamingo.me/dingo"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/sessionauth/sessionauth"
	"github.com/sessionauth/sessionauth/interfaces/web"
)

// TestTelemetryCountsEvictions: the modules connect the memory and file
// backends' evictions to the bound meter.
func TestTelemetryCountsEvictions(t *testing.T) {
	backends := map[string]map[string]any{
		"memory": {"flamingo.session.memory.maxSessions": 2},
		"file":   {"flamingo.session.file": t.TempDir(), "flamingo.session.fileMaxSessions": 2},
	}
	for backend, keys := range backends {
		t.Run(backend, func(t *testing.T) {
			reader := sdkmetric.NewManualReader()
			mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
			cfg := map[string]any{
				"flamingo.session.backend": backend, "flamingo.session.secret": "s", "flamingo.session.cookie.secure": false,
			}
			for k, v := range keys {
				cfg[k] = v
			}
			sa, err := sessionauth.New(cfg, dingo.ModuleFunc(func(i *dingo.Injector) { i.Bind(new(metric.MeterProvider)).ToInstance(mp) }))
			if err != nil {
				t.Fatal(err)
			}
			leaked := new(secrets)
			mux := http.NewServeMux()
			mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
				s := web.SessionFromContext(r.Context())
				s.Store("cart", 1)
				leaked.add(s.ID())
				fmt.Fprint(w, "stored")
			})
			srv := httptest.NewServer(sa.Handler(mux))
			t.Cleanup(srv.Close)
			for range 5 {
				jar, _ := cookiejar.New(nil)
				get(t, &http.Client{Jar: jar}, srv.URL)
				for _, c := range jar.Cookies(mustParse(t, srv.URL)) {
					leaked.add(c.Value)
				}
			}
			var got int64
			points := collectSums(t, reader, leaked)["sessionauth.session.evictions"]
			for _, dp := range points {
				if v, _ := dp.Attributes.Value("sessionauth.backend"); v == attribute.StringValue(backend) {
					got += dp.Value
				}
			}
			if got != 3 {
				t.Errorf("sessionauth.session.evictions: %d of the %s backend, want 3 (5 visitors, 2 kept): %v", got, backend, points)
			}
		})
	}
}

// collectSums reads the int64 sums of reader by name, checking that no
// attribute holds one of leaked.
func collectSums(t *testing.T, reader *sdkmetric.ManualReader, leaked *secrets) map[string][]metricdata.DataPoint[int64] {
	t.Helper()
	var rm metricdata.ResourceMetrics
	if err := reader.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	sums := map[string][]metricdata.DataPoint[int64]{}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			s, ok := m.Data.(metricdata.Sum[int64])
			if !ok {
				continue
			}
			sums[m.Name] = append(sums[m.Name], s.DataPoints...)
			for _, dp := range s.DataPoints {
				for _, a := range dp.Attributes.ToSlice() {
					noSecret(t, "metric "+m.Name, a, leaked)
				}
			}
		}
	}
	return sums
}
