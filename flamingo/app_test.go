package sessionauthflamingo_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"flamingo.me/dingo"
	"flamingo.me/flamingo/v3"
	"flamingo.me/flamingo/v3/core/healthcheck"
	"flamingo.me/flamingo/v3/core/healthcheck/interfaces/controllers"
	"flamingo.me/flamingo/v3/core/zap"
	fl "flamingo.me/flamingo/v3/framework/flamingo"
	"flamingo.me/flamingo/v3/framework/web"
	"gopkg.in/yaml.v3"

	sessionauthflamingo "github.com/sessionauth/sessionauth/flamingo"
)

// Each Flamingo application runs in a process of its own: Flamingo binds
// its router in dingo's process-wide ChildSingleton scope, so a second
// application in one process would serve the first one's routes. The test
// binary starts itself as that process (see TestMain).
const (
	envConfigDir   = "SESSIONAUTH_FLAMINGO_CONFIG_DIR"
	envSessionauth = "SESSIONAUTH_FLAMINGO_WITH_SESSIONAUTH"
)

func TestMain(m *testing.M) {
	if dir := os.Getenv(envConfigDir); dir != "" {
		if err := serveApplication(dir, os.Getenv(envSessionauth) == "1"); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// routes are the test application's: a counter, a key setter and a key
// counter on Flamingo's own *web.Session.
type routes struct{}

func (routes) Routes(registry *web.RouterRegistry) {
	registry.MustRoute("/", "counter")
	registry.HandleGet("counter", func(ctx context.Context, r *web.Request) web.Result {
		n, _ := r.Session().Load("n")
		i, _ := n.(int)
		r.Session().Store("n", i+1)
		return &web.Response{Status: http.StatusOK, Body: strings.NewReader(fmt.Sprint(i + 1))}
	})
	registry.MustRoute("/set", "set")
	registry.HandleGet("set", func(ctx context.Context, r *web.Request) web.Result {
		k := r.Request().URL.Query().Get("k")
		r.Session().Store(k, k)
		time.Sleep(20 * time.Millisecond) // the handler's work: requests of one session overlap
		return &web.Response{Status: http.StatusOK}
	})
	registry.MustRoute("/keys", "keys")
	registry.HandleGet("keys", func(ctx context.Context, r *web.Request) web.Result {
		return &web.Response{Status: http.StatusOK, Body: strings.NewReader(fmt.Sprint(len(r.Session().Keys())))}
	})
}

// serveApplication runs the Flamingo application configured in dir on a
// free loopback port, with Flamingo's health check at
// /status/healthcheck, and prints "listening <addr>" when it accepts.
func serveApplication(dir string, withSessionauth bool) error {
	modules := []dingo.Module{new(fl.SessionModule), new(healthcheck.Module)}
	if withSessionauth {
		modules = append([]dingo.Module{new(sessionauthflamingo.Module)}, modules...)
	}
	app, err := flamingo.NewApplication(modules, flamingo.ConfigDir(dir), flamingo.WithArgs(),
		flamingo.WithRoutes(routes{}), flamingo.WithCustomLogger(new(zap.Module)))
	if err != nil {
		return fmt.Errorf("flamingo application: %w", err)
	}
	injector, err := app.ConfigArea().GetInitializedInjector()
	if err != nil {
		return err
	}
	router, err := injector.GetInstance(new(web.Router))
	if err != nil {
		return err
	}
	health, err := injector.GetInstance(new(controllers.Healthcheck))
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.Handle("/status/healthcheck", health.(*controllers.Healthcheck))
	mux.Handle("/", router.(*web.Router).Handler())
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	fmt.Printf("listening %s\n", l.Addr())
	return http.Serve(l, mux)
}

// startFlamingo starts a Flamingo application with cfg in a process of its
// own and returns its base URL; withSessionauth puts sessionauth behind
// Flamingo's sessions.
func startFlamingo(t testing.TB, cfg map[string]interface{}, withSessionauth bool) string {
	t.Helper()
	dir := t.TempDir()
	b, err := yaml.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "config.yml"), b, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), envConfigDir+"="+dir)
	if withSessionauth {
		cmd.Env = append(cmd.Env, envSessionauth+"=1")
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	return "http://" + waitListening(t, bufio.NewScanner(out), &stderr)
}

func waitListening(t testing.TB, lines *bufio.Scanner, stderr *strings.Builder) string {
	t.Helper()
	for lines.Scan() {
		if addr, ok := strings.CutPrefix(lines.Text(), "listening "); ok {
			go func() {
				for lines.Scan() {
				}
			}()
			return addr
		}
	}
	t.Fatalf("the Flamingo application did not start:\n%s", stderr.String())
	return ""
}

// startupError runs the application with cfg and returns what it printed
// when it refused to start; the test fails when it started.
func startupError(t testing.TB, cfg map[string]interface{}, withSessionauth bool) string {
	t.Helper()
	dir := t.TempDir()
	b, _ := yaml.Marshal(cfg)
	if err := os.WriteFile(filepath.Join(dir, "config.yml"), b, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), envConfigDir+"="+dir)
	if withSessionauth {
		cmd.Env = append(cmd.Env, envSessionauth+"=1")
	}
	done := make(chan []byte, 1)
	go func() { out, _ := cmd.CombinedOutput(); done <- out }()
	select {
	case out := <-done:
		if strings.Contains(string(out), "listening ") {
			t.Fatalf("the application started:\n%s", out)
		}
		return string(out)
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatal("the application neither started nor failed within 30s")
		return ""
	}
}

// wantCounter requests the counter n times with one cookie jar, expects
// 1..n, and returns the Set-Cookie header of the first response.
func wantCounter(t testing.TB, base string, n int) string {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	var first string
	for want := 1; want <= n; want++ {
		resp, err := client.Get(base + "/")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(body) != fmt.Sprint(want) {
			t.Fatalf("request %d: %d %q", want, resp.StatusCode, body)
		}
		if want == 1 {
			first = resp.Header.Get("Set-Cookie")
		}
	}
	return first
}
