package sessionauth_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"flamingo.me/dingo"

	"github.com/sessionauth/sessionauth"
)

// edgeServer serves sessionauth.New with the fake broker "dev", cfg's
// keys on top, and its log lines in the returned recorder.
func edgeServer(t *testing.T, cfg map[string]any) (*httptest.Server, *logRecorder) {
	t.Helper()
	all := map[string]any{"flamingo.session.secret": "s", "flamingo.session.cookie.secure": false, "core.auth.web.broker": []any{fakeBroker}}
	for k, v := range cfg {
		all[k] = v
	}
	logs := new(logRecorder)
	sa, err := sessionauth.New(all, dingo.ModuleFunc(func(i *dingo.Injector) { i.Bind(new(slog.Logger)).ToInstance(slog.New(logs)) }))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sa.Handler(http.NewServeMux()))
	t.Cleanup(srv.Close)
	return srv, logs
}

// edgeRequest sends one request with header and returns the response and
// its body; redirects are not followed.
func edgeRequest(t *testing.T, client *http.Client, method, target string, form url.Values, header http.Header) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(method, target, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range header {
		req.Header[k] = v
	}
	c := *client
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

// TestLoginHeadStoresNothing: a HEAD of a login start (a link checker)
// answers 200 and leaves no session file and no cookie; a GET, for
// comparison, stores its pending login.
func TestLoginHeadStoresNothing(t *testing.T) {
	dir := t.TempDir()
	srv, _ := edgeServer(t, map[string]any{"flamingo.session.backend": "file", "flamingo.session.file": dir})
	files := func() int {
		m, _ := filepath.Glob(filepath.Join(dir, "*.session"))
		return len(m)
	}
	tests := []struct {
		method, path  string
		status, files int
	}{
		{"HEAD", "/auth/login/dev", 200, 0},
		{"HEAD", "/auth/login", 200, 0},
		{"HEAD", "/auth/login/nope", 404, 0},
		{"GET", "/auth/login/dev", 303, 1},
	}
	for _, tc := range tests {
		resp, _ := edgeRequest(t, http.DefaultClient, tc.method, srv.URL+tc.path, nil, nil)
		if resp.StatusCode != tc.status || len(resp.Cookies()) != tc.files || files() != tc.files {
			t.Fatalf("%s %s: %d, %d cookies, %d session files; want %d, %d and %d",
				tc.method, tc.path, resp.StatusCode, len(resp.Cookies()), files(), tc.status, tc.files, tc.files)
		}
	}
}

// TestCallbackHeadKeepsTheLogin: a HEAD of the callback URL (a mail
// scanner's, say) answers 200 and spends nothing: the browser's GET of
// the same URL still logs the user in.
func TestCallbackHeadKeepsTheLogin(t *testing.T) {
	srv, _ := edgeServer(t, nil)
	jar, _ := cookiejar.New(nil)
	var callback string
	browser := &http.Client{Jar: jar, CheckRedirect: func(req *http.Request, _ []*http.Request) error {
		if strings.HasPrefix(req.URL.Path, "/auth/callback/") {
			callback = req.URL.String()
			return http.ErrUseLastResponse
		}
		return nil
	}}
	resp, err := browser.Get(srv.URL + "/auth/login/dev")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	resp, err = browser.PostForm(resp.Request.URL.String(), url.Values{"username": {"alice"}, "password": {"pw"}})
	if err != nil || callback == "" {
		t.Fatalf("the fake login did not lead to the callback (%v)", err)
	}
	resp.Body.Close()
	if head, _ := edgeRequest(t, browser, "HEAD", callback, nil, nil); head.StatusCode != http.StatusOK {
		t.Errorf("HEAD of the callback: %d, want 200", head.StatusCode)
	}
	if get, body := edgeRequest(t, browser, "GET", callback, nil, nil); get.StatusCode != http.StatusSeeOther || get.Header.Get("Location") != "/" {
		t.Errorf("GET of the callback after a HEAD: %d %q %.200s; want 303 to / (logged in)", get.StatusCode, get.Header.Get("Location"), body)
	}
}

// TestCrossOriginRefusalIsTheErrorPage posts every form that changes a
// session as a page of another site would, with a logged-in user's
// cookie: 403, the styled error page, one INFO line with the origin and
// no cookie in it, and the user still logged in.
func TestCrossOriginRefusalIsTheErrorPage(t *testing.T) {
	srv, logs := edgeServer(t, nil)
	browser := fakeLogin(t, srv)
	cookie := browser.Jar.Cookies(mustURL(t, srv.URL))[0].Value
	for _, path := range []string{"/auth/logout", "/auth/logout/dev", "/auth/fake/dev/login", "/auth/sessions/end"} {
		t.Run(path, func(t *testing.T) {
			before := len(logs.all())
			origin := "https://evil.example"
			resp, body := edgeRequest(t, browser, "POST", srv.URL+path, url.Values{"all": {"1"}},
				http.Header{"Origin": {origin}, "Sec-Fetch-Site": {"cross-site"}})
			if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "Request refused") || !strings.Contains(body, "<style>") ||
				strings.Contains(body, "cross-origin request detected") {
				t.Fatalf("%d %s; want 403 and the styled error page", resp.StatusCode, body)
			}
			lines := logs.all()[before:]
			if len(lines) != 1 || !strings.HasPrefix(lines[0], "INFO ") || !strings.Contains(lines[0], "origin="+origin) || strings.Contains(lines[0], cookie[:8]) {
				t.Fatalf("log lines %q; want one INFO line with origin=%s and no cookie", lines, origin)
			}
			if resp, _ := edgeRequest(t, browser, "GET", srv.URL+"/auth/sessions", nil, nil); resp.StatusCode != http.StatusOK {
				t.Fatalf("after the refused POST, GET /auth/sessions: %d; want 200 (still logged in)", resp.StatusCode)
			}
		})
	}
}

// TestSessionsEndWithoutHandleSaysWhatToSend: a POST /auth/sessions/end
// naming no session answers 400 with the reason on the error page and
// ends nothing.
func TestSessionsEndWithoutHandleSaysWhatToSend(t *testing.T) {
	srv, _ := edgeServer(t, nil)
	browser := fakeLogin(t, srv)
	resp, body := edgeRequest(t, browser, "POST", srv.URL+"/auth/sessions/end", url.Values{}, http.Header{"Origin": {srv.URL}})
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "handle=") || !strings.Contains(body, "<style>") {
		t.Fatalf("%d %s; want 400 and the error page naming handle=", resp.StatusCode, body)
	}
	if resp, _ := edgeRequest(t, browser, "GET", srv.URL+"/auth/sessions", nil, nil); resp.StatusCode != http.StatusOK {
		t.Fatalf("after the POST without handle, GET /auth/sessions: %d; want 200 (still logged in)", resp.StatusCode)
	}
}

// TestLogoutGetShowsTheButton: a GET of a logout path (a followed link)
// shows a page whose form POSTs the logout, and logs nobody out.
func TestLogoutGetShowsTheButton(t *testing.T) {
	srv, _ := edgeServer(t, nil)
	browser := fakeLogin(t, srv)
	tests := []struct {
		path   string
		status int
		want   string
	}{
		{"/auth/logout", 200, `<form method="post" action="/auth/logout">`},
		{"/auth/logout/dev", 200, `<form method="post" action="/auth/logout/dev">`},
		{"/auth/logout/nope", 404, "Unknown login"},
	}
	for _, tc := range tests {
		resp, body := edgeRequest(t, browser, "GET", srv.URL+tc.path, nil, nil)
		if resp.StatusCode != tc.status || !strings.Contains(body, tc.want) {
			t.Fatalf("GET %s: %d %s; want %d and %s", tc.path, resp.StatusCode, body, tc.status, tc.want)
		}
	}
	if resp, _ := edgeRequest(t, browser, "GET", srv.URL+"/auth/sessions", nil, nil); resp.StatusCode != http.StatusOK {
		t.Fatalf("after GET of the logout pages, GET /auth/sessions: %d; want 200 (still logged in)", resp.StatusCode)
	}
	resp, _ := edgeRequest(t, browser, "POST", srv.URL+"/auth/logout", nil, http.Header{"Origin": {srv.URL}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("the page's POST: %d; want 303", resp.StatusCode)
	}
}

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
