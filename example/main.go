// Command example is a small web application on sessionauth: a visit
// counter, the session's values and flash messages. Run it with `make run`
// and open http://127.0.0.1:3322.
//
// Configuration comes from the YAML file named by -config; without one,
// example/config.yml (built in): the memory backend and a fake login broker.
// OTEL_EXPORTER=stdout prints sessionauth's spans and metrics;
// OTEL_EXPORTER=prometheus serves the metrics at /metrics.
package main

import (
	"context"
	"errors"
	"flag"
	"log"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/sessionauth/sessionauth/config"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:3322", "address to listen on")
	configFile := flag.String("config", "", "YAML configuration file (default: built-in development configuration)")
	flag.Parse()

	var cfg map[string]any
	var err error
	if *configFile != "" {
		cfg, err = config.LoadFile(*configFile)
	} else {
		cfg, err = DevelopmentConfig("http://" + *addr)
	}
	if err != nil {
		log.Fatal(err)
	}
	metrics, flush, err := setupTelemetry(os.Getenv("OTEL_EXPORTER"), os.Stdout)
	if err != nil {
		log.Fatal(err)
	}
	defer func() { _ = flush(context.Background()) }()
	handler, err := NewApp(cfg)
	if err != nil {
		log.Fatal(err)
	}
	if metrics != nil {
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", metrics)
		mux.Handle("/", handler)
		handler = mux
	}
	srv := &http.Server{Addr: *addr, Handler: handler, ReadHeaderTimeout: 10 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown)
	}()
	slog.Info("example application listening", "url", "http://"+*addr)
	if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Fatal(err)
	}
}
