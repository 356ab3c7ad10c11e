package sessionauthflamingo_test

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"flamingo.me/dingo"
	"flamingo.me/flamingo/v3"
	"flamingo.me/flamingo/v3/core/auth/oauth"
	"flamingo.me/flamingo/v3/core/healthcheck"
	"flamingo.me/flamingo/v3/core/healthcheck/interfaces/controllers"
	"flamingo.me/flamingo/v3/core/zap"
	fl "flamingo.me/flamingo/v3/framework/flamingo"
	"flamingo.me/flamingo/v3/framework/web"
	"gopkg.in/yaml.v3"

	"github.com/sessionauth/sessionauth"
	sessionauthflamingo "github.com/sessionauth/sessionauth/flamingo"
	sessionhealth "github.com/sessionauth/sessionauth/interfaces/healthcheck"
)

// Each Flamingo application runs in a process of its own: Flamingo v3.17.4
// binds its router in dingo's ChildSingleton scope and its route registry
// in the Singleton scope, both process-wide for a root injector, so a
// second application in one process would serve the first one's routes.
// The test binary starts itself as that process (see TestMain), built with
// the same flags (-race included), and hands it a listener on a free port.
const (
	envConfigDir = "SESSIONAUTH_FLAMINGO_CONFIG_DIR"
	envMode      = "SESSIONAUTH_FLAMINGO_MODE"
)

// The modes of the test application.
const (
	flamingoOnly = "flamingo" // Flamingo's own session backends
	flamingoAuth = "coreauth" // Flamingo's own session backends and Flamingo's core/auth login
	custom       = "custom"   // sessionauthflamingo.Module: our repository behind Flamingo's sessions
	login        = "auth"     // sessionauthflamingo.AuthModule and the seeds' controller at /profile
	modules      = "modules"  // sessionauth's SessionModule and AuthModule beside Flamingo's, health at /sessionauth/health
)

func TestMain(m *testing.M) {
	if dir := os.Getenv(envConfigDir); dir != "" {
		if err := serveApplication(dir, os.Getenv(envMode)); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// applicationModules are the modules of the test application in mode.
func applicationModules(mode string) []dingo.Module {
	switch mode {
	case custom:
		return []dingo.Module{new(sessionauthflamingo.Module), new(fl.SessionModule), new(healthcheck.Module)}
	case login:
		return []dingo.Module{new(sessionauthflamingo.AuthModule), new(fl.SessionModule), new(healthcheck.Module),
			dingo.ModuleFunc(func(injector *dingo.Injector) {
				web.BindRoutes(injector, new(seedsRoutes))
				web.BindRoutes(injector, new(userinfoRoutes))
				web.BindRoutes(injector, stepUpRoutes{})
				injector.BindMulti(new(web.Filter)).To(keysFilter{})
			})}
	case flamingoAuth:
		return []dingo.Module{new(fl.SessionModule), new(healthcheck.Module), new(oauth.Module)}
	case modules:
		return []dingo.Module{new(sessionauthflamingo.ConfigModule), new(sessionauth.AuthModule), new(fl.SessionModule), new(healthcheck.Module),
			dingo.ModuleFunc(func(injector *dingo.Injector) { web.BindRoutes(injector, new(healthRoutes)) })}
	}
	return []dingo.Module{new(fl.SessionModule), new(healthcheck.Module)}
}

// serveApplication runs the Flamingo application configured in dir on the
// listener its parent passed as file 3 and prints "listening" when it
// accepts.
func serveApplication(dir, mode string) error {
	_, handler, err := buildApplication(dir, mode)
	if err != nil {
		return err
	}
	l, err := net.FileListener(os.NewFile(3, "listener"))
	if err != nil {
		return fmt.Errorf("flamingo application: listener: %w", err)
	}
	fmt.Println("listening")
	return http.Serve(l, handler)
}

// buildApplication builds the Flamingo application in mode configured in
// dir, with extra modules loaded first, and returns its injector and its handler:
// Flamingo's router, and Flamingo's health check at /status/healthcheck.
// One process can hold one such application.
func buildApplication(dir, mode string, extra ...dingo.Module) (*dingo.Injector, http.Handler, error) {
	// With sessionauth's modules used directly, eager singletons make a bad
	// configuration stop the start (docs/flamingo.md); Module does it itself.
	app, err := flamingo.NewApplication(append(extra, applicationModules(mode)...), flamingo.ConfigDir(dir), flamingo.WithArgs(),
		flamingo.WithRoutes(routes{}), flamingo.WithCustomLogger(new(zap.Module)), flamingo.SetEagerSingletons(mode == modules))
	if err != nil {
		return nil, nil, fmt.Errorf("flamingo application: %w", err)
	}
	injector, err := app.ConfigArea().GetInitializedInjector()
	if err != nil {
		return nil, nil, fmt.Errorf("flamingo application: injector: %w", err)
	}
	router, err := injector.GetInstance(new(web.Router))
	if err != nil {
		return nil, nil, fmt.Errorf("flamingo application: router: %w", err)
	}
	health, err := injector.GetInstance(new(controllers.Healthcheck))
	if err != nil {
		return nil, nil, fmt.Errorf("flamingo application: health check: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("/status/healthcheck", health.(*controllers.Healthcheck))
	mux.Handle("/", router.(*web.Router).Handler())
	return injector, mux, nil
}

// healthRoutes serve sessionauth's own health endpoint, with the checks
// sessionauth's modules bound.
type healthRoutes struct{ handler *sessionhealth.Handler }

func (r *healthRoutes) Inject(h *sessionhealth.Handler) *healthRoutes {
	r.handler = h
	return r
}

func (r *healthRoutes) Routes(registry *web.RouterRegistry) {
	registry.MustRoute("/sessionauth/health", "sessionauth.health")
	registry.HandleAny("sessionauth.health", web.WrapHTTPHandler(r.handler))
}

// startFlamingo starts the test application in mode with cfg in a process
// of its own and returns its base URL.
func startFlamingo(t testing.TB, cfg map[string]any, mode string) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return startOn(t, l, configDir(t, cfg), nil, mode)
}

// startOn starts the test application in mode on l, configured by the
// files in dir, with env added to its environment (for Flamingo's
// %%ENV:NAME%% placeholders), and returns its base URL. It closes l in
// the test process.
func startOn(t testing.TB, l net.Listener, dir string, env []string, mode string) string {
	t.Helper()
	defer l.Close()
	cmd, stderr := command(t, dir, env, mode, l.(*net.TCPListener))
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	lines := bufio.NewScanner(out)
	for lines.Scan() {
		if lines.Text() == "listening" {
			go func() {
				for lines.Scan() {
				}
			}()
			return "http://" + l.Addr().String()
		}
	}
	_ = cmd.Wait()
	t.Fatalf("the Flamingo application did not start:\n%s", stderr)
	return ""
}

// configDir is a configuration directory with cfg as its config.yml.
func configDir(t testing.TB, cfg map[string]any) string {
	t.Helper()
	b, err := yaml.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return yamlDir(t, map[string]string{"config.yml": string(b)})
}

// yamlDir is a configuration directory holding files (name to content).
func yamlDir(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// command is the test binary run as the application in mode, configured
// by the files in dir, with env added to its environment.
func command(t testing.TB, dir string, env []string, mode string, l *net.TCPListener) (*exec.Cmd, *strings.Builder) {
	t.Helper()
	f, err := l.File()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(append(os.Environ(), envConfigDir+"="+dir, envMode+"="+mode), env...)
	cmd.ExtraFiles = []*os.File{f}
	stderr := new(strings.Builder)
	cmd.Stderr = stderr
	return cmd, stderr
}

// startupError runs the application with cfg and returns what it printed
// when it refused to start; the test fails when it started.
func startupError(t testing.TB, cfg map[string]any, mode string) string {
	t.Helper()
	return startupErrorIn(t, configDir(t, cfg), nil, mode)
}

// startupErrorIn is startupError for the configuration files in dir and
// env added to the environment.
func startupErrorIn(t testing.TB, dir string, env []string, mode string) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	cmd, stderr := command(t, dir, env, mode, l.(*net.TCPListener))
	cmd.Stdout = stderr
	done := make(chan error, 1)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
		if strings.Contains(stderr.String(), "listening") {
			t.Fatalf("the application started:\n%s", stderr)
		}
		return stderr.String()
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatal("the application neither started nor failed within 30s")
		return ""
	}
}
