package sessionauthflamingo_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/sessionauth/sessionauth/internal/oidctest"
)

// TestFlamingoAuthEdges: inside Flamingo, sessionauth's routes answer as
// they do on a plain mux: a GET of the logout shows its button and logs
// nobody out, a logged-in user's /auth/sessions is served, ending
// sessions without naming any is 400, and a cross-site logout is refused
// with the error page.
func TestFlamingoAuthEdges(t *testing.T) {
	base := startFlamingo(t, loginConfig(oidctest.Start(t, oidctest.Options{})), login)
	c := browser(t)
	_, _, form := get(t, c, base+"/auth/login/dev")
	resp, err := c.PostForm(base+form, url.Values{"username": {"ada"}, "password": {"pw"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	get(t, c, base+resp.Header.Get("Location")) // the callback
	tests := []struct {
		method, path string
		header       http.Header
		status       int
		want         string
	}{
		{"GET", "/auth/logout", nil, 200, `<form method="post" action="/auth/logout">`},
		{"GET", "/auth/sessions", nil, 200, `"current":true`},
		{"POST", "/auth/sessions/end", http.Header{"Origin": {base}}, 400, "handle="},
		{"POST", "/auth/logout", http.Header{"Origin": {"https://evil.example"}, "Sec-Fetch-Site": {"cross-site"}}, 403, "Request refused"},
		{"GET", "/auth/sessions", nil, 200, `"current":true`},
	}
	for _, tc := range tests {
		req, _ := http.NewRequest(tc.method, base+tc.path, nil)
		for k, v := range tc.header {
			req.Header[k] = v
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.status || !strings.Contains(string(b), tc.want) {
			t.Fatalf("%s %s: %d %s; want %d and %q", tc.method, tc.path, resp.StatusCode, b, tc.status, tc.want)
		}
	}
}
