package bench_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"flamingo.me/dingo"
	"flamingo.me/flamingo/v3"
	"flamingo.me/flamingo/v3/core/zap"
	fl "flamingo.me/flamingo/v3/framework/flamingo"
	"flamingo.me/flamingo/v3/framework/web"
	goredis "github.com/redis/go-redis/v9"
	"gopkg.in/yaml.v3"

	"github.com/gorilla/sessions"

	"github.com/sessionauth/sessionauth/infrastructure/cookiesigner"
	"github.com/sessionauth/sessionauth/infrastructure/gorillabridge"
	sessionauthredis "github.com/sessionauth/sessionauth/infrastructure/redisstore"
	"github.com/sessionauth/sessionauth/internal/redistest"
)

// flamingoBuilt is set once a Flamingo application was built: Flamingo
// v3.17.4 keeps its router process-wide, so one process holds one, and
// make bench-compare runs every variant in a process of its own.
var flamingoBuilt atomic.Bool

// flamingoRoutes are the workload's pages on Flamingo's *web.Session.
type flamingoRoutes struct{}

func (flamingoRoutes) Routes(registry *web.RouterRegistry) {
	for _, page := range []string{"init", "read", "write"} {
		registry.MustRoute("/"+page, page)
	}
	registry.HandleGet("init", func(ctx context.Context, r *web.Request) web.Result {
		for k, v := range tenValues() {
			r.Session().Store(k, v)
		}
		return text("ok")
	})
	registry.HandleGet("read", func(ctx context.Context, r *web.Request) web.Result {
		return text(flamingoReadAll(r.Session()))
	})
	registry.HandleGet("write", func(ctx context.Context, r *web.Request) web.Result {
		body := flamingoReadAll(r.Session())
		n, _ := r.Session().Try("visits").(int)
		r.Session().Store("visits", n+1)
		return text(body)
	})
}

func flamingoReadAll(s *web.Session) string {
	found := 0
	for _, k := range keys {
		if s.Try(k) != nil {
			found++
		}
	}
	return fmt.Sprint(found)
}

func text(s string) web.Result {
	return &web.Response{Status: http.StatusOK, Body: strings.NewReader(s)}
}

// flamingoApp builds a Flamingo v3.17.4 application with session as its
// flamingo.session configuration and returns its injector and router.
func flamingoApp(b *testing.B, session map[string]any, modules ...dingo.Module) (*dingo.Injector, http.Handler) {
	if !flamingoBuilt.CompareAndSwap(false, true) {
		b.Fatal("this process holds a Flamingo application already; run one Flamingo variant per process (make bench-compare does)")
	}
	session["secret"], session["cookie"] = "bench secret", map[string]any{"secure": false}
	session["max"] = map[string]any{"age": maxAge}
	dir := b.TempDir()
	y, err := yaml.Marshal(map[string]any{"flamingo": map[string]any{"session": session}})
	if err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "config.yml"), y, 0o600); err != nil {
		b.Fatal(err)
	}
	app, err := flamingo.NewApplication(append(modules, new(fl.SessionModule)), flamingo.ConfigDir(dir), flamingo.WithArgs(),
		flamingo.WithRoutes(flamingoRoutes{}), flamingo.WithCustomLogger(new(zap.Module)))
	if err != nil {
		b.Fatal(err)
	}
	injector, err := app.ConfigArea().GetInitializedInjector()
	if err != nil {
		b.Fatal(err)
	}
	router, err := injector.GetInstance(new(web.Router))
	if err != nil {
		b.Fatal(err)
	}
	return injector, router.(*web.Router).Handler()
}

// flamingoOwn is Flamingo with its own Redis backend in saveMode.
func flamingoOwn(saveMode string) func(*testing.B, *redisEnv) *served {
	return func(b *testing.B, e *redisEnv) *served {
		injector, h := flamingoApp(b, map[string]any{"backend": "redis", "saveMode": saveMode, "redis": map[string]any{"host": e.srv.Addr}})
		client, err := injector.GetInstance(new(goredis.UniversalClient))
		if err != nil {
			b.Fatal(err)
		}
		trips := redistest.CountRoundTrips(client.(goredis.UniversalClient))
		return &served{handler: h, cookie: "flamingo", trips: trips.Total}
	}
}

// flamingoSessionauth is Flamingo (saveMode Always, its default) with
// sessionauth's Redis repository as its custom backend, through
// sessionauth's gorilla bridge, as sessionauthflamingo.Module binds it.
func flamingoSessionauth(b *testing.B, e *redisEnv) *served {
	trips := new(redistest.RoundTrips)
	repo := sessionauthredis.New(e.goRedis(b, trips), sessionauthredis.Options{MaxAge: maxAge * time.Second, MaxSize: maxSize})
	signer, err := cookiesigner.New("flamingo", []string{"bench secret"}, maxAge*time.Second)
	if err != nil {
		b.Fatal(err)
	}
	store := gorillabridge.NewStore(repo, signer, sessions.Options{Path: "/", MaxAge: maxAge, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	bind := dingo.ModuleFunc(func(injector *dingo.Injector) {
		injector.Bind(new(fl.CustomSessionBackend)).ToInstance(customBackend{store})
	})
	_, h := flamingoApp(b, map[string]any{"backend": "custom"}, bind)
	return &served{handler: h, cookie: "flamingo", trips: trips.Total}
}

// customBackend is Flamingo's CustomSessionBackend on a gorilla store.
type customBackend struct{ store sessions.Store }

func (c customBackend) SessionStore() sessions.Store { return c.store }
