package sessionauthflamingo_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"testing"
)

// browser is a client with a cookie jar that does not follow redirects.
func browser(t testing.TB) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// get fetches u with c and returns status, body and the Location header.
func get(t testing.TB, c *http.Client, u string) (int, string, string) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(body), resp.Header.Get("Location")
}

// wantCounter visits the counter at base n times in one session, fails
// unless it counts 1..n, and returns the first answer's Set-Cookie.
func wantCounter(t testing.TB, base string, n int) string {
	t.Helper()
	c := browser(t)
	var cookie string
	for want := 1; want <= n; want++ {
		resp, err := c.Get(base + "/")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(body) != fmt.Sprint(want) {
			t.Fatalf("request %d to the counter: %d %q", want, resp.StatusCode, body)
		}
		if want == 1 {
			cookie = resp.Header.Get("Set-Cookie")
		}
	}
	return cookie
}
