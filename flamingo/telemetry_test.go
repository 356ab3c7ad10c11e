package sessionauthflamingo_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"flamingo.me/dingo"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
	"gopkg.in/yaml.v3"

	"github.com/sessionauth/sessionauth/internal/oidctest"
)

// TestFlamingoTelemetry runs the login application in this process with
// an in-memory span recorder and metric reader bound, logs in with the
// fake broker through Flamingo's router and logs out: the spans and
// metrics of Flamingo's session loads and saves and of sessionauth's
// login are there, and no attribute holds the cookie.
func TestFlamingoTelemetry(t *testing.T) {
	if !flamingoBuilt.CompareAndSwap(false, true) {
		t.Fatal("this process already holds a Flamingo application; run this test alone (-run TestFlamingoTelemetry)")
	}
	spans := tracetest.NewSpanRecorder()
	reader := sdkmetric.NewManualReader()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans))
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	dir := t.TempDir()
	y, err := yaml.Marshal(loginConfig(oidctest.Start(t, oidctest.Options{})))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "config.yml"), y, 0o600); err != nil {
		t.Fatal(err)
	}
	_, h, err := buildApplication(dir, login, dingo.ModuleFunc(func(i *dingo.Injector) {
		i.Bind(new(trace.TracerProvider)).ToInstance(tp)
		i.Bind(new(metric.MeterProvider)).ToInstance(mp)
	}))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	c := browser(t)
	fakeLogin(t, c, srv.URL)
	var cookies []string
	for _, k := range c.Jar.Cookies(mustURL(t, srv.URL)) {
		cookies = append(cookies, k.Value)
	}
	if resp, err := c.PostForm(srv.URL+"/auth/logout", nil); err == nil {
		resp.Body.Close()
	}
	wantSpans(t, spans.Ended(), cookies)
	wantMetrics(t, reader)
}

// fakeLogin logs in as ada with the fake broker's form.
func fakeLogin(t *testing.T, c *http.Client, base string) {
	t.Helper()
	_, _, form := get(t, c, base+"/auth/login/dev?redirecturl=/profile")
	resp, err := c.PostForm(base+form, url.Values{"username": {"ada"}, "password": {"pw"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	_, _, profile := get(t, c, base+resp.Header.Get("Location"))
	if got := body(t, c, base+profile); !strings.HasPrefix(got, "ada ") {
		t.Fatalf("%s after the fake login: %q", profile, got)
	}
}

func wantSpans(t *testing.T, ended []sdktrace.ReadOnlySpan, cookies []string) {
	t.Helper()
	seen := map[string]bool{}
	for _, s := range ended {
		set := attribute.NewSet(s.Attributes()...)
		outcome, _ := set.Value("sessionauth.outcome")
		backend, _ := set.Value("sessionauth.backend")
		seen[s.Name()+" "+outcome.AsString()+" "+backend.AsString()] = true
		for _, a := range s.Attributes() {
			for _, c := range cookies {
				if len(c) >= 8 && strings.Contains(a.Value.String(), c) {
					t.Errorf("span %s: attribute %s holds the cookie", s.Name(), a.Key)
				}
			}
		}
	}
	for _, want := range []string{
		"sessionauth.session.load ok memory", "sessionauth.session.save ok memory",
		"sessionauth.auth.login.start ok ", "sessionauth.auth.callback ok ", "sessionauth.auth.logout ok ",
	} {
		if !seen[want] {
			t.Errorf("no span %q; spans: %v", want, seen)
		}
	}
}

func wantMetrics(t *testing.T, reader *sdkmetric.ManualReader) {
	t.Helper()
	var rm metricdata.ResourceMetrics
	if err := reader.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			names[m.Name] = true
		}
	}
	for _, want := range []string{"sessionauth.session.operations", "sessionauth.session.duration", "sessionauth.auth.operations",
		"sessionauth.auth.logins.active"} {
		if !names[want] {
			t.Errorf("no metric %s; metrics: %v", want, names)
		}
	}
}
