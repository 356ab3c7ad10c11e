package main

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/sessionauth/sessionauth/config"
)

// startExample serves the example application with its development
// configuration (as make run builds it) on a loopback listener; prepare,
// when not nil, runs first with the application's base URL, to set the
// environment make run reads.
func startExample(t *testing.T, prepare func(base string)) *httptest.Server {
	t.Helper()
	srv := httptest.NewUnstartedServer(nil)
	base := "http://" + srv.Listener.Addr().String()
	if prepare != nil {
		prepare(base)
	}
	cfg, err := DevelopmentConfig(base)
	if err != nil {
		t.Fatal(err)
	}
	handler, err := NewApp(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = handler
	srv.Start()
	t.Cleanup(srv.Close)
	return srv
}

type user struct {
	t      *testing.T
	srv    *httptest.Server
	client *http.Client
}

func newUser(t *testing.T, srv *httptest.Server) *user {
	jar, _ := cookiejar.New(nil)
	return &user{t: t, srv: srv, client: &http.Client{Jar: jar}}
}

func (u *user) get(path string) string {
	u.t.Helper()
	resp, err := u.client.Get(u.srv.URL + path)
	if err != nil {
		u.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

func (u *user) post(path string, form url.Values) string {
	u.t.Helper()
	req, _ := http.NewRequest("POST", u.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", u.srv.URL)
	resp, err := u.client.Do(req)
	if err != nil {
		u.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.Request.URL.Path + "\n" + string(b)
}

func wantIn(t *testing.T, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Fatalf("page lacks %q:\n%s", w, body)
		}
	}
}

func TestExampleCounterValuesFlashes(t *testing.T) {
	u := newUser(t, startExample(t, nil))
	wantIn(t, u.get("/"), "<strong>1</strong>", "Not logged in", `id="login-dev"`)
	wantIn(t, u.get("/"), "<strong>2</strong>")
	wantIn(t, u.post("/values", url.Values{"key": {"colour"}, "value": {"teal"}}), "stored colour", "<td>colour</td><td>teal</td>", "<strong>3</strong>")
	if strings.Contains(u.get("/"), "stored colour") {
		t.Fatal("the flash message is shown twice")
	}
	wantIn(t, u.get("/health"), `"name":"session","alive":true`, `"name":"auth","alive":true`)
}

// login fills the fake broker's form and returns the page it ends on.
func (u *user) login(username, password string) string {
	u.t.Helper()
	form := u.get("/auth/login/dev?redirecturl=/account")
	wantIn(u.t, form, `id="username"`)
	action := strings.SplitN(strings.SplitN(form, `action="`, 2)[1], `"`, 2)[0]
	action = strings.ReplaceAll(action, "&amp;", "&")
	return u.post(action, url.Values{"username": {username}, "password": {password}})
}

func TestExampleLoginAccountAndLogout(t *testing.T) {
	u := newUser(t, startExample(t, nil))
	account := u.login("alice", "secret")
	wantIn(t, account, "/account\n", "Alice Example", "<th>Email</th><td>alice@example.test</td>", "<th>Subject</th><td>alice</td>",
		"<th>Groups</th><td>admins</td>", "200 OK", "&#34;sub&#34;:&#34;alice&#34;")
	if strings.Contains(account, "nonce") {
		t.Fatalf("the account page shows the nonce:\n%s", account)
	}
	wantIn(t, u.post("/auth/logout", nil), "Not logged in")
	if body := u.get("/account"); !strings.Contains(body, `id="username"`) {
		t.Fatalf("after logout /account should ask for a login:\n%s", body)
	}
}

func TestExampleAPIRejectsMissingToken(t *testing.T) {
	srv := startExample(t, nil)
	resp, err := http.Get(srv.URL + "/api/profile")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("/api/profile without a token: %d", resp.StatusCode)
	}
}

// TestExampleFormsRefuseCrossSitePosts posts the example's own forms as a
// page of another site would (a foreign Origin, and a browser's
// Sec-Fetch-Site: cross-site) and expects 403 and nothing stored.
func TestExampleFormsRefuseCrossSitePosts(t *testing.T) {
	u := newUser(t, startExample(t, nil))
	u.get("/")
	for _, path := range []string{"/values", "/flash"} {
		req, _ := http.NewRequest("POST", u.srv.URL+path, strings.NewReader("key=k&value=v&message=m"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", "https://evil.example")
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		resp, err := u.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("cross-site POST %s: %d, want 403", path, resp.StatusCode)
		}
	}
	if body := u.get("/"); strings.Contains(body, "<td>k</td>") || strings.Contains(body, ">m</p>") {
		t.Fatalf("a cross-site POST changed the session:\n%s", body)
	}
}

// TestDevelopmentConfigIsConfigYML checks that make run runs the file
// `sessionauth check example/config.yml` checks.
func TestDevelopmentConfigIsConfigYML(t *testing.T) {
	for _, name := range []string{"OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET", "SESSION_BACKEND"} {
		t.Setenv(name, "") // DevelopmentConfig adds no broker "oidc", keeps the backend
	}
	got, err := DevelopmentConfig("http://127.0.0.1:3322")
	if err != nil {
		t.Fatal(err)
	}
	want, err := config.LoadFile("config.yml")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("DevelopmentConfig at make run's address:\n%v\nexample/config.yml:\n%v", got, want)
	}
}
