package sessionauth_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"flamingo.me/dingo"

	"github.com/sessionauth/sessionauth"
	"github.com/sessionauth/sessionauth/interfaces/web"
	"github.com/sessionauth/sessionauth/internal/redistest"
)

// logRecorder is a slog.Handler that keeps every record as one line of
// text: the message and its attributes.
type logRecorder struct {
	mu    sync.Mutex
	lines []string
	attrs []slog.Attr
}

func (r *logRecorder) Enabled(context.Context, slog.Level) bool { return true }

func (r *logRecorder) Handle(_ context.Context, rec slog.Record) error {
	line := rec.Level.String() + " " + rec.Message
	for _, a := range r.attrs {
		line += " " + a.String()
	}
	rec.Attrs(func(a slog.Attr) bool { line += " " + a.String(); return true })
	r.mu.Lock()
	defer r.mu.Unlock()
	r.lines = append(r.lines, line)
	return nil
}

func (r *logRecorder) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &logRecorder{attrs: append(r.attrs[:len(r.attrs):len(r.attrs)], attrs...)}
}

func (r *logRecorder) WithGroup(string) slog.Handler { return r }

// find returns the first line containing every one of parts.
func (r *logRecorder) find(parts ...string) (string, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
next:
	for _, line := range r.lines {
		for _, p := range parts {
			if !strings.Contains(line, p) {
				continue next
			}
		}
		return line, true
	}
	return "", false
}

func (r *logRecorder) all() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.lines...)
}

// TestBoundLoggerReceivesEveryLine binds a *slog.Logger and checks that the
// start-up warning, the middleware, the auth controller, the AuthManager and
// go-redis all write to it, and nothing to slog.Default().
func TestBoundLoggerReceivesEveryLine(t *testing.T) {
	srv := redistest.Standalone(t)
	bound, fallback := new(logRecorder), new(logRecorder)
	prev := slog.Default()
	slog.SetDefault(slog.New(fallback))
	t.Cleanup(func() { slog.SetDefault(prev) })

	cfg := map[string]any{
		"flamingo.session.backend": "redis", "flamingo.session.redis.host": srv.Addr, "flamingo.session.cookie.secure": false,
		"core.auth.web.broker": []any{fakeBroker},
	}
	injector, err := dingo.NewInjector(sessionauth.ConfigModule(cfg), new(sessionauth.AuthModule),
		dingo.ModuleFunc(func(i *dingo.Injector) { i.Bind(new(slog.Logger)).ToInstance(slog.New(bound)) }))
	if err != nil {
		t.Fatal(err)
	}
	base := loggedServer(t, injector)
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	loginWithFakeForm(t, client, base)
	get(t, client, base+"/auth/callback/dev?state=forged")
	garbage, _ := http.NewRequest("GET", base+"/", nil)
	garbage.AddCookie(&http.Cookie{Name: "flamingo", Value: "not-a-signed-cookie"})
	if resp, err := http.DefaultClient.Do(garbage); err == nil {
		resp.Body.Close()
	}
	_ = srv.Client(t).Expire(context.Background(), "any", 500*time.Millisecond) // go-redis warns: truncated to 1s

	for _, want := range [][]string{
		{"WARN", "flamingo.session.secret is not set"},
		{"INFO", "login", "broker=dev"},
		{"WARN", "auth controller: request failed", "status=400"},
		{"DEBUG", "session middleware: ignoring session cookie"},
		{"WARN", "truncating to 1s", "component=go-redis"},
	} {
		if _, ok := bound.find(want...); !ok {
			t.Errorf("the bound logger got no line with %q; it got:\n%s", want, strings.Join(bound.all(), "\n"))
		}
	}
	if lines := fallback.all(); len(lines) > 0 {
		t.Errorf("slog.Default() got lines although a logger is bound:\n%s", strings.Join(lines, "\n"))
	}
	for _, c := range jar.Cookies(mustParse(t, base)) {
		for _, line := range bound.all() {
			if strings.Contains(line, c.Value) {
				t.Errorf("log line holds the session cookie: %s", line)
			}
		}
	}
}

// loggedServer serves the injector's auth routes behind its middleware.
func loggedServer(t *testing.T, injector *dingo.Injector) string {
	t.Helper()
	ctrl, err := injector.GetInstance(new(web.AuthController))
	if err != nil {
		t.Fatal(err)
	}
	mw, _ := injector.GetInstance(new(web.SessionMiddleware))
	mux := http.NewServeMux()
	ctrl.(*web.AuthController).Register(mux)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "home") })
	srv := httptest.NewServer(mw.(*web.SessionMiddleware).Handler(mux))
	t.Cleanup(srv.Close)
	return srv.URL
}

func loginWithFakeForm(t *testing.T, client *http.Client, base string) {
	t.Helper()
	resp, err := client.Get(base + "/auth/login/dev")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	resp, err = client.PostForm(resp.Request.URL.String(), url.Values{"username": {"alice"}, "password": {"pw"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
}

func get(t *testing.T, client *http.Client, u string) {
	t.Helper()
	resp, err := client.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
}

func mustParse(t *testing.T, raw string) *url.URL {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
