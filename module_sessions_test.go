package sessionauth_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"flamingo.me/dingo"

	"github.com/sessionauth/sessionauth"
	"github.com/sessionauth/sessionauth/interfaces/web"
	"github.com/sessionauth/sessionauth/internal/oidctest"
	"github.com/sessionauth/sessionauth/internal/redistest"
)

// instance is one application instance: the modules' controllers and
// middleware, and GET /account behind RequireLogin.
func instance(t *testing.T, srv *httptest.Server, cfg map[string]any) {
	t.Helper()
	injector, err := dingo.NewInjector(sessionauth.ConfigModule(cfg), new(sessionauth.AuthModule))
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	for _, c := range []any{new(web.AuthController), new(web.UserSessionsController)} {
		v, err := injector.GetInstance(c)
		if err != nil {
			t.Fatal(err)
		}
		v.(interface{ Register(*http.ServeMux) }).Register(mux)
	}
	mux.Handle("GET /account", web.RequireLogin(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte("account"))
	})))
	mw, err := injector.GetInstance(new(web.SessionMiddleware))
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = mw.(*web.SessionMiddleware).Handler(mux)
	srv.Start()
	t.Cleanup(srv.Close)
}

// browser is a visitor whose cookies, like a browser's, do not depend on
// the port, so both instances on 127.0.0.1 see one session cookie.
type browser struct {
	t      *testing.T
	client *http.Client
}

func newBrowser(t *testing.T) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, client: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (b *browser) send(method, u string, form url.Values) (int, string, string) {
	b.t.Helper()
	req, _ := http.NewRequest(method, u, strings.NewReader(form.Encode()))
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := b.client.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Location"), string(body)
}

// logIn logs in at the provider through the instance at base.
func (b *browser) logIn(p *oidctest.Provider, base string) {
	b.t.Helper()
	_, authURL, _ := b.send("GET", base+"/auth/login/oidc", nil)
	back, err := p.Login(context.Background(), p.Browser(), authURL, oidctest.DefaultUser.Username, oidctest.DefaultUser.Password)
	if err != nil {
		b.t.Fatal(err)
	}
	if code, _, body := b.send("GET", back.String(), nil); code != http.StatusSeeOther {
		b.t.Fatalf("callback: %d %s", code, body)
	}
}

func (b *browser) account(base string) int {
	code, _, _ := b.send("GET", base+"/account", nil)
	return code
}

// TestUserSessionsAcrossInstances runs two application instances on one
// Redis (standalone, and a cluster, where the index and the sessions lie
// in different slots) with zitadel's provider: a user logged in on two
// devices ends the other device's session from either instance, and a
// back-channel logout token the provider signed ends every session of the
// user, whichever instance receives it; its replay at the other instance
// is refused.
func TestUserSessionsAcrossInstances(t *testing.T) {
	standalone, cluster := redistest.Standalone(t), redistest.Cluster(t, false)
	t.Run("standalone", func(t *testing.T) {
		userSessionsAcrossInstances(t, map[string]any{"flamingo.session.redis.host": standalone.Addr})
	})
	t.Run("cluster", func(t *testing.T) {
		userSessionsAcrossInstances(t, map[string]any{"flamingo.session.redis.clusterMode": true,
			"flamingo.session.redis.host": strings.Join(cluster.Addrs(), ",")})
	})
}

func userSessionsAcrossInstances(t *testing.T, redisCfg map[string]any) {
	one, two := httptest.NewUnstartedServer(nil), httptest.NewUnstartedServer(nil)
	base1, base2 := "http://"+one.Listener.Addr().String(), "http://"+two.Listener.Addr().String()
	p := oidctest.Start(t, oidctest.Options{RedirectURI: base1 + "/auth/callback/oidc"})
	cfg := map[string]any{
		"flamingo.session.backend": "redis",
		"flamingo.session.secret":  "shared secret", "flamingo.session.cookie.secure": false,
		"core.auth.web.baseURL": base1,
		"core.auth.web.broker": []any{map[string]any{"broker": "oidc", "typ": "oidc", "endpoint": p.Issuer,
			"clientID": p.ClientID, "clientSecret": p.ClientSecret}},
	}
	for k, v := range redisCfg {
		cfg[k] = v
	}
	instance(t, one, cfg)
	instance(t, two, cfg)

	laptop, phone := newBrowser(t), newBrowser(t)
	laptop.logIn(p, base1)
	phone.logIn(p, base2)
	code, _, body := laptop.send("GET", base2+"/auth/sessions", nil)
	var list []struct {
		Handle  string
		Current bool
	}
	if err := json.Unmarshal([]byte(body), &list); code != http.StatusOK || err != nil || len(list) != 2 {
		t.Fatalf("GET /auth/sessions: %d %s (%v); want both sessions", code, body, err)
	}
	if code, _, body := laptop.send("POST", base2+"/auth/sessions/end?redirecturl=/account", url.Values{"others": {"1"}}); code != http.StatusSeeOther {
		t.Fatalf("log out other devices: %d %s", code, body)
	}
	if phone.account(base1) != http.StatusSeeOther || laptop.account(base1) != http.StatusOK {
		t.Fatal("after \"log out other devices\" on the laptop, the phone must be logged out and the laptop not")
	}

	phone.logIn(p, base2)
	token, err := p.LogoutToken(oidctest.DefaultUser.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	if code, _, body := newBrowser(t).send("POST", base2+"/auth/backchannel/oidc", url.Values{"logout_token": {token}}); code != http.StatusOK {
		t.Fatalf("back-channel logout: %d %s", code, body)
	}
	for _, b := range []*browser{laptop, phone} {
		if b.account(base1) != http.StatusSeeOther || b.account(base2) != http.StatusSeeOther {
			t.Fatal("a session of the user outlived the back-channel logout")
		}
	}
	if code, _, _ := newBrowser(t).send("POST", base1+"/auth/backchannel/oidc", url.Values{"logout_token": {token}}); code != http.StatusBadRequest {
		t.Fatalf("the token replayed at the other instance: %d, want 400", code)
	}
}
