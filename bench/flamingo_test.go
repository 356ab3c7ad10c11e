package bench_test

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
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

	"github.com/sessionauth/sessionauth/domain"
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
// sessionauth's gorilla bridge. sessionauthflamingo.Module binds the same
// store, with the repository inside its telemetry wrapper as well (three
// allocations more per load or save without an OpenTelemetry SDK); the
// nested module flamingo/ measures that wiring in BenchmarkRequestOnRedis.
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

// flamingoFloor is Flamingo (saveMode Always) with floorStore as its custom
// backend: the least any backend under Flamingo can cost with the round
// trips of the go-redis floor.
func flamingoFloor(b *testing.B, e *redisEnv) *served {
	trips := new(redistest.RoundTrips)
	store := &floorStore{client: e.goRedis(b, trips)}
	bind := dingo.ModuleFunc(func(injector *dingo.Injector) {
		injector.Bind(new(fl.CustomSessionBackend)).ToInstance(customBackend{store})
	})
	_, h := flamingoApp(b, map[string]any{"backend": "custom"}, bind)
	return &served{handler: h, cookie: "flamingo", trips: trips.Total}
}

// floorStore is a gorilla store that does for Flamingo what the go-redis
// floor does: New runs HGETALL; Save writes the values whose encoding
// differs from the loaded one with HSET, and PEXPIRE, in one pipeline, and
// nothing when none differs. The cookie holds the bare session ID and is
// set only when the session is created. It merges nothing, checks no size,
// refreshes no expiry on reads, and keeps what it loaded in the session's
// Values under a key that is not a string (which Flamingo's Keys would
// show): a benchmark's floor, not a backend to use.
type floorStore struct{ client goredis.UniversalClient }

// floorLoaded is the Values key of the stored fields as loaded or last
// saved (a map[string]string, as HGETALL returns them).
type floorLoaded struct{}

func (f *floorStore) Get(r *http.Request, name string) (*sessions.Session, error) {
	return sessions.GetRegistry(r).Get(f, name)
}

func (f *floorStore) New(r *http.Request, name string) (*sessions.Session, error) {
	gs := sessions.NewSession(f, name)
	gs.IsNew = true
	c, err := r.Cookie(name)
	if err != nil {
		return gs, nil
	}
	fields, err := f.client.HGetAll(r.Context(), "fsession:"+c.Value).Result()
	if err != nil || len(fields) == 0 {
		return gs, err
	}
	for k, v := range fields {
		if gs.Values[k], err = floorDecode(v); err != nil {
			return sessions.NewSession(f, name), err
		}
	}
	gs.Values[floorLoaded{}] = fields
	gs.ID, gs.IsNew = c.Value, false
	return gs, nil
}

func (f *floorStore) Save(r *http.Request, w http.ResponseWriter, gs *sessions.Session) error {
	loaded, _ := gs.Values[floorLoaded{}].(map[string]string)
	var set []any
	var scratch [64]byte
	for k, v := range gs.Values {
		key, ok := k.(string)
		if !ok {
			continue
		}
		enc, err := floorEncode(scratch[:0], v)
		if err != nil {
			return err
		}
		if old, ok := loaded[key]; !ok || old != string(enc) {
			set = append(set, key, string(enc))
		}
	}
	if len(set) == 0 {
		return nil
	}
	created := gs.ID == ""
	if created {
		gs.ID = domain.NewSessionID()
	}
	ctx, key := r.Context(), "fsession:"+gs.ID
	if _, err := f.client.Pipelined(ctx, func(p goredis.Pipeliner) error {
		p.HSet(ctx, key, set...)
		p.PExpire(ctx, key, maxAge*time.Second)
		return nil
	}); err != nil {
		return err
	}
	if loaded == nil {
		loaded = make(map[string]string, len(set)/2)
		gs.Values[floorLoaded{}] = loaded
	}
	for i := 0; i < len(set); i += 2 {
		loaded[set[i].(string)] = set[i+1].(string)
	}
	if created || gs.IsNew {
		gs.IsNew = false
		http.SetCookie(w, &http.Cookie{Name: gs.Name(), Value: gs.ID, Path: "/", MaxAge: maxAge, HttpOnly: true})
	}
	return nil
}

// floorEncode appends a tag byte and the value in text: the workload's
// scalar types only.
func floorEncode(dst []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case string:
		return append(append(dst, 's'), x...), nil
	case int:
		return strconv.AppendInt(append(dst, 'i'), int64(x), 10), nil
	case bool:
		return strconv.AppendBool(append(dst, 'b'), x), nil
	case float64:
		return strconv.AppendUint(append(dst, 'f'), math.Float64bits(x), 16), nil
	}
	return nil, fmt.Errorf("floor store: cannot encode a %T", v)
}

func floorDecode(s string) (any, error) {
	if s == "" {
		return nil, fmt.Errorf("floor store: empty value")
	}
	switch p := s[1:]; s[0] {
	case 's':
		return p, nil
	case 'i':
		return strconv.Atoi(p)
	case 'b':
		return strconv.ParseBool(p)
	case 'f':
		u, err := strconv.ParseUint(p, 16, 64)
		return math.Float64frombits(u), err
	}
	return nil, fmt.Errorf("floor store: unknown tag %q", s[0])
}
