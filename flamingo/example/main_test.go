package main

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"flamingo.me/flamingo/v3"
	"flamingo.me/flamingo/v3/framework/web"
)

// TestExample runs the example with its own configuration (memory
// repository, fake broker) and walks through it: the counter, a flash
// message, the login with the fake broker's form and the profile page.
func TestExample(t *testing.T) {
	app, err := flamingo.NewApplication(modules(), flamingo.ConfigDir("config"), flamingo.WithArgs())
	if err != nil {
		t.Fatal(err)
	}
	injector, err := app.ConfigArea().GetInitializedInjector()
	if err != nil {
		t.Fatal(err)
	}
	router, err := injector.GetInstance(new(web.Router))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(router.(*web.Router).Handler())
	defer srv.Close()
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
