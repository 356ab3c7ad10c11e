package sessionauth_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"flamingo.me/dingo"
	"github.com/gorilla/sessions"

	"github.com/sessionauth/sessionauth"
	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/infrastructure/filestore"
	"github.com/sessionauth/sessionauth/infrastructure/memorystore"
	"github.com/sessionauth/sessionauth/interfaces/healthcheck"
	"github.com/sessionauth/sessionauth/interfaces/web"
)

// newInjector builds an injector from cfg (plus development defaults) and
// extra modules.
func newInjector(t *testing.T, cfg map[string]any, extra ...dingo.Module) *dingo.Injector {
	t.Helper()
	full := map[string]any{"flamingo.session.secret": "test-secret", "flamingo.session.cookie.secure": false}
	for k, v := range cfg {
		full[k] = v
	}
	modules := append([]dingo.Module{sessionauth.ConfigModule(full), new(sessionauth.SessionModule)}, extra...)
	injector, err := dingo.NewInjector(modules...)
	if err != nil {
		t.Fatalf("NewInjector: %v", err)
	}
	return injector
}

// startupError returns what stops start-up for cfg: the injector's error or
// the panic of a module's Configure.
func startupError(cfg map[string]any, extra ...dingo.Module) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	modules := append([]dingo.Module{sessionauth.ConfigModule(cfg), new(sessionauth.SessionModule)}, extra...)
	injector, err := dingo.NewInjector(modules...)
	if err != nil {
		return err
	}
	_, err = injector.GetInstance(new(web.SessionMiddleware))
	return err
}

// counterServer serves a visit counter through the injector's middleware.
func counterServer(t *testing.T, injector *dingo.Injector) *httptest.Server {
	t.Helper()
	mw, err := injector.GetInstance(new(web.SessionMiddleware))
	if err != nil {
		t.Fatalf("GetInstance(SessionMiddleware): %v", err)
	}
	h := mw.(*web.SessionMiddleware).Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := web.SessionFromContext(r.Context())
		n, _ := s.Try("n").(int)
		s.Store("n", n+1)
		fmt.Fprint(w, n+1)
	}))
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// wantCounter requests srv three times with one cookie jar and expects 1, 2, 3.
func wantCounter(t *testing.T, srv *httptest.Server) {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	for want := 1; want <= 3; want++ {
		resp, err := client.Get(srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if got := string(body); resp.StatusCode != 200 || got != fmt.Sprint(want) {
			t.Fatalf("request %d: %d %q, want 200 %q", want, resp.StatusCode, got, fmt.Sprint(want))
		}
	}
}

func repository(t *testing.T, injector *dingo.Injector) domain.SessionRepository {
	t.Helper()
	r, err := injector.GetInstance(new(domain.SessionRepository))
	if err != nil {
		t.Fatal(err)
	}
	return r.(domain.SessionRepository)
}

func TestSessionModuleMemory(t *testing.T) {
	injector := newInjector(t, nil)
	if _, ok := repository(t, injector).(*memorystore.Repository); !ok {
		t.Fatalf("default backend is %T, want the memory repository", repository(t, injector))
	}
	wantCounter(t, counterServer(t, injector))
}

func TestSessionModuleFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "nested", "sessions")
	injector := newInjector(t, map[string]any{"flamingo.session.backend": "file", "flamingo.session.file": dir})
	wantCounter(t, counterServer(t, injector))
	entries, _ := os.ReadDir(dir)
	if len(entries) == 0 {
		t.Fatalf("no session file in %s", dir)
	}
}

// gorillaBackend is a user's CustomSessionBackend: gorilla's own file store.
type gorillaBackend struct{ dir string }

func (b gorillaBackend) SessionStore() sessions.Store {
	return sessions.NewFilesystemStore(b.dir, []byte("gorilla-secret"))
}

func TestSessionModuleCustomGorillaStore(t *testing.T) {
	backend := gorillaBackend{dir: t.TempDir()}
	injector := newInjector(t, map[string]any{"flamingo.session.backend": "custom"},
		dingo.ModuleFunc(func(i *dingo.Injector) { i.Bind(new(sessionauth.CustomSessionBackend)).ToInstance(backend) }))
	wantCounter(t, counterServer(t, injector))
	entries, _ := os.ReadDir(backend.dir)
	if len(entries) == 0 {
		t.Fatal("the gorilla store holds no session")
	}
}

func TestSessionModuleNamedRepository(t *testing.T) {
	mine := memorystore.New(memorystore.Options{MaxAge: 3600e9})
	injector := newInjector(t, map[string]any{"flamingo.session.backend": "mine"},
		dingo.ModuleFunc(func(i *dingo.Injector) {
			i.BindMap(new(domain.SessionRepository), "mine").ToInstance(mine)
		}))
	wantCounter(t, counterServer(t, injector))
	if mine.Len() != 1 {
		t.Fatalf("the named repository holds %d sessions, want 1", mine.Len())
	}
}

func TestSessionModuleInjectorsAreIndependent(t *testing.T) {
	a := repository(t, newInjector(t, nil))
	b := repository(t, newInjector(t, map[string]any{"flamingo.session.backend": "file", "flamingo.session.file": t.TempDir()}))
	if _, ok := b.(*filestore.Repository); !ok || a == b {
		t.Fatalf("two injectors with different config share or mix repositories: %T, %T", a, b)
	}
}

func TestSessionModuleHealthcheck(t *testing.T) {
	health := func(injector *dingo.Injector) *httptest.ResponseRecorder {
		h, err := injector.GetInstance(new(healthcheck.Handler))
		if err != nil {
			t.Fatal(err)
		}
		rec := httptest.NewRecorder()
		h.(*healthcheck.Handler).ServeHTTP(rec, httptest.NewRequest("GET", "/health", nil))
		return rec
	}
	rec := health(newInjector(t, nil))
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"name":"session"`) {
		t.Fatalf("health = %d %s, want 200 with the session check", rec.Code, rec.Body)
	}
	own := healthcheck.StatusFunc(func() (bool, string) { return false, "my backend is down" })
	rec = health(newInjector(t, map[string]any{"flamingo.session.healthcheck": false},
		dingo.ModuleFunc(func(i *dingo.Injector) { i.BindMap(new(healthcheck.Status), "session").ToInstance(own) })))
	if rec.Code != 500 || !strings.Contains(rec.Body.String(), "my backend is down") {
		t.Fatalf("health with the user's own check = %d %s", rec.Code, rec.Body)
	}
}

func TestSessionModuleRejectsBadConfig(t *testing.T) {
	file := filepath.Join(t.TempDir(), "a-file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		cfg  map[string]any
		want []string
	}{
		{"several at once", map[string]any{
			"flamingo.session.max.age": -1, "flamingo.session.cookie.sameSite": "sometimes",
			"flamingo.session.failureMode": "shrug", "flamingo.session.store.length": 1.5,
		}, []string{"flamingo.session.max.age = -1", "flamingo.session.cookie.sameSite = \"sometimes\"", "lax, strict, none or default",
			"flamingo.session.failureMode", "flamingo.session.store.length"}},
		{"unknown backend", map[string]any{"flamingo.session.backend": "memroy"}, []string{"flamingo.session.backend", "memroy"}},
		{"custom without binding", map[string]any{"flamingo.session.backend": "custom"}, []string{"flamingo.session.backend", "CustomSessionBackend"}},
		{"file directory impossible", map[string]any{"flamingo.session.backend": "file", "flamingo.session.file": filepath.Join(file, "sessions")},
			[]string{"flamingo.session.file"}},
		{"previous secret not a string", map[string]any{"flamingo.session.previousSecrets": []any{1}}, []string{"flamingo.session.previousSecrets[0]"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := startupError(tc.cfg)
			if err == nil {
				t.Fatal("start-up succeeded")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}
