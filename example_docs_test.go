package sessionauth_test

import (
	"fmt"
	"log"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"

	"flamingo.me/dingo"
	"github.com/gorilla/sessions"
	"github.com/redis/go-redis/v9"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/metric/noop"
	"go.opentelemetry.io/otel/trace"
	tracenoop "go.opentelemetry.io/otel/trace/noop"

	"github.com/sessionauth/sessionauth"
	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/infrastructure/gorillabridge"
	"github.com/sessionauth/sessionauth/interfaces/healthcheck"
	"github.com/sessionauth/sessionauth/interfaces/web"
)

// The snippets of docs/sessions.md, docs/backends.md, docs/operations.md,
// docs/custom.md and docs/testing.md that live in this package.

// snippet sessions-cart
func cart(w http.ResponseWriter, r *http.Request) {
	s := web.SessionFromContext(r.Context())
	items, _ := s.Try("items").([]string)
	s.Store("items", append(items, r.FormValue("sku")))
	s.AddFlash("added to your cart")
	http.Redirect(w, r, "/cart", http.StatusSeeOther)
}

// snippet end

func Example_sessionsCart() {
	s := domain.NewSession()
	r := httptest.NewRequest("POST", "/cart/add?sku=tea", nil)
	cart(httptest.NewRecorder(), r.WithContext(web.ContextWithSession(r.Context(), s)))
	fmt.Println(s.Try("items"), s.Flashes())
	// Output:
	// [tea] [added to your cart]
}

func memoryInjector() *dingo.Injector {
	injector, err := dingo.NewInjector(sessionauth.ConfigModule(map[string]any{
		"flamingo.session.backend": "memory",
		"flamingo.session.secret":  os.Getenv("SESSION_SECRET"),
	}), new(sessionauth.SessionModule))
	if err != nil {
		log.Fatal(err)
	}
	return injector
}

func Example_operationsHealth() {
	injector, mux := memoryInjector(), http.NewServeMux()
	// snippet operations-health
	h, err := sessionauth.Get[*healthcheck.Handler](injector) // sa.Health with sessionauth.New
	if err != nil {
		log.Fatal(err)
	}
	mux.Handle("GET /health", h)
	// snippet end
	visit(mux, "/health")
	// Output:
	// GET /health → 200 {"services":[{"name":"session","alive":true,"details":"memory session repository: sessions stored: 0 of at most 100000"}]}
}

// Bindings of docs/backends.md and docs/operations.md, in a module's
// Configure; compiled, not run.
func Example_operationsBindings() {
	var injector *dingo.Injector
	client := redis.NewUniversalClient(&redis.UniversalOptions{Addrs: []string{"localhost:6379"}})
	logger := slog.Default()
	tracerProvider, meterProvider := tracenoop.NewTracerProvider(), noop.NewMeterProvider()
	// snippet backends-client
	injector.Bind(new(redis.UniversalClient)).ToInstance(client)
	// snippet end
	// snippet operations-logger
	injector.Bind(new(slog.Logger)).ToInstance(logger)
	// snippet end
	// snippet operations-telemetry
	injector.Bind(new(trace.TracerProvider)).ToInstance(tracerProvider)
	injector.Bind(new(metric.MeterProvider)).ToInstance(meterProvider)
	// snippet end
}

func Example_customGorillaStore() {
	injector := memoryInjector()
	repo, _ := sessionauth.Get[domain.SessionRepository](injector)
	signer, _ := sessionauth.Get[domain.CookieSigner](injector)
	w, r := httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil)
	// snippet custom-gorilla
	store := gorillabridge.NewStore(repo, signer, sessions.Options{Path: "/", MaxAge: 86400, HttpOnly: true, Secure: true})
	gs, _ := store.Get(r, "flamingo")
	gs.Values["visits"] = 1
	_ = gs.Save(r, w)
	// snippet end
	fmt.Println(len(w.Result().Cookies()), gs.Values["visits"])
	// Output:
	// 1 1
}

// MyModule is the application's module of docs/custom.md.
type MyModule struct{}

// snippet custom-file
type fileBackend struct{}

func (fileBackend) SessionStore() sessions.Store {
	return sessions.NewFilesystemStore("/var/lib/myapp/sessions", []byte(os.Getenv("STORE_KEY")))
}

func (m *MyModule) Configure(injector *dingo.Injector) {
	injector.Bind(new(sessionauth.CustomSessionBackend)).ToInstance(fileBackend{})
}

// snippet end

var _ dingo.Module = new(MyModule)
