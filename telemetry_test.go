package sessionauth_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"flamingo.me/dingo"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/sessionauth/sessionauth"
	"github.com/sessionauth/sessionauth/interfaces/web"
	"github.com/sessionauth/sessionauth/internal/redistest"
)

// secrets collects what must never appear in telemetry.
type secrets struct {
	mu     sync.Mutex
	values []string
}

func (s *secrets) add(v ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, x := range v {
		if len(x) >= 8 {
			s.values = append(s.values, x)
		}
	}
}

// TestTelemetryOfOneLoginAndOneRequest binds an in-memory span recorder and
// metric reader, logs in with the fake broker on the Redis backend,
// refreshes, makes one request and logs out, and checks the spans, the
// metrics, and that no attribute holds a session ID, a token or a cookie.
func TestTelemetryOfOneLoginAndOneRequest(t *testing.T) {
	srv := redistest.Standalone(t)
	spans := tracetest.NewSpanRecorder()
	reader := sdkmetric.NewManualReader()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans))
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	sa, err := sessionauth.New(map[string]any{
		"flamingo.session.backend": "redis", "flamingo.session.redis.host": srv.Addr, "flamingo.session.redis.keyPrefix": "t:",
		"flamingo.session.secret": "s", "flamingo.session.cookie.secure": false, "core.auth.web.broker": []any{fakeBroker},
	}, dingo.ModuleFunc(func(i *dingo.Injector) {
		i.Bind(new(trace.TracerProvider)).ToInstance(tp)
		i.Bind(new(metric.MeterProvider)).ToInstance(mp)
	}))
	if err != nil {
		t.Fatal(err)
	}
	leaked := new(secrets)
	base := telemetryServer(t, sa, leaked)
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	loginWithFakeForm(t, client, base)
	get(t, client, base+"/refresh")
	get(t, client, base+"/auth/callback/dev?state=forged")
	resp, err := client.PostForm(base+"/auth/logout", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	for _, c := range jar.Cookies(mustParse(t, base)) {
		leaked.add(c.Value)
	}
	keys, _ := srv.Client(t).Keys(context.Background(), "t:*").Result()
	for _, k := range keys {
		leaked.add(strings.TrimPrefix(k, "t:"))
	}
	checkSpans(t, spans.Ended(), leaked)
	checkMetrics(t, reader, leaked)
}

// telemetryServer serves the login and two pages: /refresh refreshes the
// tokens, and both note the session ID and tokens in leaked.
func telemetryServer(t *testing.T, sa *sessionauth.Web, leaked *secrets) string {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /refresh", func(w http.ResponseWriter, r *http.Request) {
		s := web.SessionFromContext(r.Context())
		id, err := sa.Manager.RefreshIdentity(r.Context(), s)
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		leaked.add(s.ID(), id.AccessToken, id.RefreshToken, id.IDToken.Raw)
		fmt.Fprint(w, "refreshed")
	})
	h := sa.Handler(mux)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func checkSpans(t *testing.T, ended []sdktrace.ReadOnlySpan, leaked *secrets) {
	t.Helper()
	got := map[string][]attribute.Set{}
	for _, s := range ended {
		got[s.Name()] = append(got[s.Name()], attribute.NewSet(s.Attributes()...))
		for _, a := range s.Attributes() {
			noSecret(t, "span "+s.Name(), a, leaked)
		}
	}
	want := []struct {
		name  string
		attrs []attribute.KeyValue
	}{
		{"sessionauth.auth.login.start", []attribute.KeyValue{attribute.String("sessionauth.broker", "dev"), attribute.String("sessionauth.outcome", "ok")}},
		{"sessionauth.auth.callback", []attribute.KeyValue{attribute.String("sessionauth.broker", "dev"), attribute.String("sessionauth.outcome", "ok")}},
		{"sessionauth.auth.callback", []attribute.KeyValue{attribute.String("sessionauth.outcome", "invalid_state")}},
		{"sessionauth.auth.refresh", []attribute.KeyValue{attribute.String("sessionauth.outcome", "ok"), attribute.Bool("sessionauth.refresh.joined", false)}},
		{"sessionauth.auth.logout", []attribute.KeyValue{attribute.String("sessionauth.broker", "dev")}},
		{"sessionauth.session.load", []attribute.KeyValue{attribute.String("sessionauth.backend", "redis"), attribute.String("sessionauth.outcome", "ok"), attribute.Int64("sessionauth.redis.round_trips", 1)}},
		{"sessionauth.session.save", []attribute.KeyValue{attribute.String("sessionauth.backend", "redis"), attribute.String("sessionauth.outcome", "ok")}},
	}
	for _, w := range want {
		if !anyHas(got[w.name], w.attrs) {
			t.Errorf("no span %s with %v; spans: %v", w.name, w.attrs, got[w.name])
		}
	}
	sized := 0
	for _, set := range got["sessionauth.session.save"] {
		if b, ok := set.Value("sessionauth.session.bytes"); ok && b.AsInt64() > 0 {
			sized++
		}
	}
	if sized == 0 {
		t.Errorf("no save span gives the session's size: %v", got["sessionauth.session.save"])
	}
}

func anyHas(sets []attribute.Set, attrs []attribute.KeyValue) bool {
next:
	for _, set := range sets {
		for _, a := range attrs {
			if v, ok := set.Value(a.Key); !ok || v != a.Value {
				continue next
			}
		}
		return true
	}
	return false
}

func noSecret(t *testing.T, where string, a attribute.KeyValue, leaked *secrets) {
	t.Helper()
	leaked.mu.Lock()
	defer leaked.mu.Unlock()
	for _, s := range leaked.values {
		if strings.Contains(a.Value.String(), s) {
			t.Errorf("%s: attribute %s holds a session ID, token or cookie", where, a.Key)
		}
	}
}

func checkMetrics(t *testing.T, reader *sdkmetric.ManualReader, leaked *secrets) {
	t.Helper()
	var rm metricdata.ResourceMetrics
	if err := reader.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	sums := map[string][]metricdata.DataPoint[int64]{}
	names := map[string]bool{}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			names[m.Name] = true
			if s, ok := m.Data.(metricdata.Sum[int64]); ok {
				sums[m.Name] = append(sums[m.Name], s.DataPoints...)
				for _, dp := range s.DataPoints {
					for _, a := range dp.Attributes.ToSlice() {
						noSecret(t, "metric "+m.Name, a, leaked)
					}
				}
			}
		}
	}
	for _, name := range []string{"sessionauth.session.duration", "sessionauth.session.size", "sessionauth.auth.duration"} {
		if !names[name] {
			t.Errorf("no metric %s", name)
		}
	}
	wantCount(t, sums, "sessionauth.session.operations", 1, attribute.String("sessionauth.operation", "save"), attribute.String("sessionauth.outcome", "ok"))
	wantCount(t, sums, "sessionauth.auth.operations", 1, attribute.String("sessionauth.operation", "callback"), attribute.String("sessionauth.outcome", "ok"))
	wantCount(t, sums, "sessionauth.auth.operations", 1, attribute.String("sessionauth.operation", "refresh"), attribute.String("sessionauth.outcome", "ok"))
	wantCount(t, sums, "sessionauth.auth.refused", 1, attribute.String("sessionauth.reason", "invalid_state"))
}

// wantCount expects a data point of name with attrs whose value is at least min.
func wantCount(t *testing.T, sums map[string][]metricdata.DataPoint[int64], name string, min int64, attrs ...attribute.KeyValue) {
	t.Helper()
	for _, dp := range sums[name] {
		if anyHas([]attribute.Set{dp.Attributes}, attrs) && dp.Value >= min {
			return
		}
	}
	t.Errorf("metric %s has no point with %v of at least %d: %v", name, attrs, min, sums[name])
}
