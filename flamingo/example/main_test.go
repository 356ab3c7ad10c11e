package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"

	"flamingo.me/flamingo/v3"
	"flamingo.me/flamingo/v3/framework/web"
)

// TestExample runs the example with its own configuration (memory
// repository, fake broker) and walks through it: the counter, a flash
// message, the login with the fake broker's form and the profile page.
func TestExample(t *testing.T) {
	t.Setenv("SESSION_BACKEND", "") // the default, whatever the environment says
	srv := startExample(t)
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}

	want(t, c.Get)(srv.URL+"/", "Visits in this session: <strong>1</strong>")
	want(t, post(c, url.Values{"message": {"hello from a flash"}}))(srv.URL+"/flash", `<p class="flash">hello from a flash</p>`)
	want(t, c.Get)(srv.URL+"/", "Visits in this session: <strong>3</strong>")
	form := want(t, c.Get)(srv.URL+"/profile", `name="password"`)
	want(t, post(c, url.Values{"username": {"alice"}, "password": {"secret"}}))(form, `&#34;sub&#34;: &#34;alice&#34;`)
	want(t, c.Get)(srv.URL+"/", "Visits in this session: <strong>4</strong>")
	want(t, post(c, nil))(srv.URL+"/auth/logout", "Visits in this session: <strong>1</strong>")
}

// TestExampleOnCookies runs the example as SESSION_BACKEND=cookie make
// run-flamingo does: the counter and a flash message work across requests,
// the session lives in cookies named like the session cookie ("flamingo",
// "flamingo.1", …) whose values are sealed, and nothing is kept on the
// server: the example, restarted, counts on from the browser's cookies.
// The login and logout work on it too.
func TestExampleOnCookies(t *testing.T) {
	first, stop := runExample(t, "SESSION_BACKEND=cookie")
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}

	want(t, c.Get)(first+"/", "Visits in this session: <strong>1</strong>")
	want(t, post(c, url.Values{"message": {"hello from a flash"}}))(first+"/flash", `<p class="flash">hello from a flash</p>`)
	want(t, c.Get)(first+"/", "Visits in this session: <strong>3</strong>")
	session := false
	for _, k := range jar.Cookies(mustURL(t, first)) {
		switch {
		case k.Name == "flamingo":
			session = true
			if !sealed(k.Value) {
				t.Errorf("the session cookie's value (%d bytes) is not a sealed session: it starts with %.2q", len(k.Value), k.Value)
			}
		case !strings.HasPrefix(k.Name, "flamingo."):
			t.Errorf("cookie %s: not named like the session cookie flamingo", k.Name)
		}
	}
	if !session {
		t.Fatal("no session cookie flamingo after three pages")
	}

	// The example restarts (on another port: the jar sends 127.0.0.1's
	// cookies to every port) and has no record of the session.
	stop()
	second, _ := runExample(t, "SESSION_BACKEND=cookie")
	want(t, c.Get)(second+"/", "Visits in this session: <strong>4</strong>")
	form := want(t, c.Get)(second+"/profile", `name="password"`)
	want(t, post(c, url.Values{"username": {"alice"}, "password": {"secret"}}))(form, `&#34;sub&#34;: &#34;alice&#34;`)
	want(t, c.Get)(second+"/", "Visits in this session: <strong>5</strong>")
	want(t, post(c, nil))(second+"/auth/logout", "Visits in this session: <strong>1</strong>")
}

// sealed says whether v has the form of a sealed session cookie: the
// number of chunks, a dot, then the sealed text.
func sealed(v string) bool {
	n, rest, ok := strings.Cut(v, ".")
	if !ok || n == "" || len(rest) < 32 {
		return false
	}
	for _, r := range n {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// startExample starts the example with its own configuration directory,
// as make run-flamingo does, on a test server closed when t ends. One
// process holds one Flamingo application: dingo's singletons (Flamingo's
// router among them) are shared by all injectors of a process.
func startExample(t *testing.T) *httptest.Server {
	t.Helper()
	h, err := exampleHandler()
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

func exampleHandler() (http.Handler, error) {
	app, err := flamingo.NewApplication(modules(), flamingo.ConfigDir("config"), flamingo.WithArgs())
	if err != nil {
		return nil, err
	}
	injector, err := app.ConfigArea().GetInitializedInjector()
	if err != nil {
		return nil, err
	}
	router, err := injector.GetInstance(new(web.Router))
	if err != nil {
		return nil, err
	}
	return router.(*web.Router).Handler(), nil
}

// envServe makes the test binary serve the example on the listener it
// inherits as file descriptor 3 instead of running the tests.
const envServe = "SESSIONAUTH_EXAMPLE_SERVE"

func TestMain(m *testing.M) {
	if os.Getenv(envServe) != "" {
		if err := serveExample(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func serveExample() error {
	h, err := exampleHandler()
	if err != nil {
		return err
	}
	l, err := net.FileListener(os.NewFile(3, "listener"))
	if err != nil {
		return err
	}
	fmt.Println("listening")
	return http.Serve(l, h)
}

// runExample runs the example in a process of its own, with env added to
// its environment, and returns its base URL and a function that stops it.
func runExample(t *testing.T, env ...string) (string, func()) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	f, err := l.(*net.TCPListener).File()
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(append(os.Environ(), envServe+"=1"), env...)
	cmd.ExtraFiles = []*os.File{f}
	stderr := new(strings.Builder)
	cmd.Stderr = stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	stop := func() { once.Do(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }) }
	t.Cleanup(stop)
	lines := bufio.NewScanner(out)
	for lines.Scan() {
		if lines.Text() == "listening" {
			go func() {
				for lines.Scan() {
				}
			}()
			return "http://" + l.Addr().String(), stop
		}
	}
	stop()
	t.Fatalf("the example did not start:\n%s", stderr)
	return "", nil
}

func mustURL(t *testing.T, raw string) *url.URL {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func post(c *http.Client, form url.Values) func(string) (*http.Response, error) {
	return func(u string) (*http.Response, error) { return c.PostForm(u, form) }
}

// want returns a function that fetches a URL, fails unless the final page
// contains s, and returns the final page's URL.
func want(t *testing.T, fetch func(string) (*http.Response, error)) func(u, s string) string {
	return func(u, s string) string {
		t.Helper()
		resp, err := fetch(u)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if !strings.Contains(string(b), s) {
			t.Fatalf("%s ended at %s with %d:\n%s\nwant %q", u, resp.Request.URL, resp.StatusCode, b, s)
		}
		return resp.Request.URL.String()
	}
}
