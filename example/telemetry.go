package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.opentelemetry.io/otel"
	otelprometheus "go.opentelemetry.io/otel/exporters/prometheus"
	"go.opentelemetry.io/otel/exporters/stdout/stdoutmetric"
	"go.opentelemetry.io/otel/exporters/stdout/stdouttrace"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// setupTelemetry sets OpenTelemetry's global providers, which sessionauth
// uses when none is bound, as OTEL_EXPORTER (kind) says: "stdout" writes
// spans and metrics to out; "prometheus" keeps the metrics for the
// returned handler to serve (at /metrics); "" sets up nothing. shutdown
// flushes what is left.
func setupTelemetry(kind string, out io.Writer) (metrics http.Handler, shutdown func(context.Context) error, err error) {
	switch kind {
	case "":
		return nil, func(context.Context) error { return nil }, nil
	case "stdout":
		spans, err := stdouttrace.New(stdouttrace.WithWriter(out), stdouttrace.WithPrettyPrint())
		if err != nil {
			return nil, nil, err
		}
		readings, err := stdoutmetric.New(stdoutmetric.WithWriter(out))
		if err != nil {
			return nil, nil, err
		}
		tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(spans))
		mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewPeriodicReader(readings)))
		otel.SetTracerProvider(tp)
		otel.SetMeterProvider(mp)
		return nil, func(ctx context.Context) error { return errors.Join(tp.Shutdown(ctx), mp.Shutdown(ctx)) }, nil
	case "prometheus":
		registry := prometheus.NewRegistry()
		exporter, err := otelprometheus.New(otelprometheus.WithRegisterer(registry))
		if err != nil {
			return nil, nil, err
		}
		mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(exporter))
		otel.SetMeterProvider(mp)
		return promhttp.HandlerFor(registry, promhttp.HandlerOpts{}), mp.Shutdown, nil
	}
	return nil, nil, fmt.Errorf("OTEL_EXPORTER = %q: write stdout, prometheus, or leave it empty", kind)
}
