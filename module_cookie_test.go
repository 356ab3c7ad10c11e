package sessionauth_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/infrastructure/cookiestore"
	"github.com/sessionauth/sessionauth/internal/oidctest"
	"github.com/sessionauth/sessionauth/internal/redistest"
)

// cookieBytes is what the visitor's cookies of the session named name add
// to a request's Cookie header at base, and how many cookies they are.
func cookieBytes(b *browser, base, name string) (int, int) {
	u, _ := url.Parse(base)
	n, count := 0, 0
	for _, c := range b.client.Jar.Cookies(u) {
		if c.Name == name || strings.HasPrefix(c.Name, name+".") {
			if count > 0 {
				n += 2
			}
			n += len(c.Name) + 1 + len(c.Value)
			count++
		}
	}
	return n, count
}

// storedIDToken opens the visitor's session cookies at base, as the
// cookie backend does with the secret of TestCookieBackendAcrossInstances,
// and returns the ID token its identity holds.
func storedIDToken(t *testing.T, b *browser, base string) string {
	t.Helper()
	repo, err := cookiestore.New(cookiestore.Options{Name: "flamingo", Secrets: [][]byte{[]byte("a shared secret of thirty-two bytes")}})
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(base)
	s, err := repo.LoadCookies(context.Background(), b.client.Jar.Cookies(u))
	if err != nil {
		t.Fatal(err)
	}
	id, ok := s.Try(domain.IdentityKey).(domain.Identity)
	if !ok {
		t.Fatalf("the session holds no identity: %T", s.Try(domain.IdentityKey))
	}
	return id.IDToken.Raw
}

// TestCookieBackendAcrossInstances runs two instances with the cookie
// backend and no shared store, and zitadel's provider issuing an offline
// token: a login on one instance is a login on the other, it fits under
// the default cap, the sessions page and the back-channel logout say they
// cannot end other sessions, and a logout clears the cookies.
func TestCookieBackendAcrossInstances(t *testing.T) {
	one, two := httptest.NewUnstartedServer(nil), httptest.NewUnstartedServer(nil)
	base1, base2 := "http://"+one.Listener.Addr().String(), "http://"+two.Listener.Addr().String()
	p := oidctest.Start(t, oidctest.Options{RedirectURI: base1 + "/auth/callback/oidc", ClaimsInIDToken: true})
	cfg := map[string]any{
		"flamingo.session.backend": "cookie",
		"flamingo.session.secret":  "a shared secret of thirty-two bytes", "flamingo.session.cookie.secure": false,
		"core.auth.web.baseURL": base1,
		"core.auth.web.broker": []any{map[string]any{"broker": "oidc", "typ": "oidc", "endpoint": p.Issuer,
			"clientID": p.ClientID, "clientSecret": p.ClientSecret, "enableOfflineToken": true}},
	}
	instance(t, one, cfg)
	instance(t, two, cfg)

	b := newBrowser(t)
	if code := b.account(base2); code == http.StatusOK {
		t.Fatal("/account answers 200 before the login")
	}
	b.logIn(p, base1)
	if code := b.account(base2); code != http.StatusOK {
		t.Fatalf("/account at the other instance after the login: %d, want 200", code)
	}
	size, count := cookieBytes(b, base1, "flamingo")
	t.Logf("a login with ID, access and refresh token: %d bytes of Cookie header in %d cookie(s)", size, count)
	if size > 6144 || count == 0 {
		t.Fatalf("the login takes %d bytes in %d cookies, over the default cap of 6144", size, count)
	}
	// Packed, the tokens take about their own size (some 3.7 KB together),
	// in one cookie, so it is not compressed: DEFLATE would save no cookie.
	if count != 1 || size > 4096 {
		t.Errorf("the login takes %d bytes in %d cookies, want one cookie", size, count)
	}
	if raw := storedIDToken(t, b, base1); strings.Count(raw, ".") != 2 || !strings.HasPrefix(raw, "eyJ") {
		t.Errorf("the session holds the ID token as %d bytes that are no JWT: are its tokens sealed twice?", len(raw))
	}
	if code, _, body := b.send("GET", base2+"/auth/sessions", nil); code != http.StatusNotImplemented {
		t.Errorf("GET /auth/sessions: %d %s, want 501", code, body)
	}
	if code, _, body := b.send("POST", base2+"/auth/backchannel/oidc", url.Values{"logout_token": {"x.y.z"}}); code == http.StatusOK {
		t.Errorf("POST /auth/backchannel/oidc: %d %s, want a refusal", code, body)
	}
	b.send("POST", base2+"/auth/logout", url.Values{})
	if size, count := cookieBytes(b, base1, "flamingo"); count != 0 {
		t.Errorf("%d cookies (%d bytes) left after the logout", count, size)
	}
	if code := b.account(base1); code == http.StatusOK {
		t.Fatal("/account answers 200 after the logout")
	}
}

// TestCookieBackendTwoTabsLogIn starts two logins at once in one browser
// on the cookie backend: both requests carry the same cookies, and the
// browser keeps the cookies of the response that came last, which hold
// only that login's state. The other tab's callback gets the "Login
// expired or invalid" page (400) and no session; the last tab's callback
// logs in. No callback ever completes with another login's state.
func TestCookieBackendTwoTabsLogIn(t *testing.T) {
	srv := httptest.NewUnstartedServer(nil)
	base := "http://" + srv.Listener.Addr().String()
	p := oidctest.Start(t, oidctest.Options{RedirectURI: base + "/auth/callback/oidc"})
	instance(t, srv, map[string]any{
		"flamingo.session.backend": "cookie",
		"flamingo.session.secret":  "a shared secret of thirty-two bytes", "flamingo.session.cookie.secure": false,
		"core.auth.web.baseURL": base,
		"core.auth.web.broker": []any{map[string]any{"broker": "oidc", "typ": "oidc", "endpoint": p.Issuer,
			"clientID": p.ClientID, "clientSecret": p.ClientSecret}},
	})
	b := newBrowser(t)
	// Both tabs send the same (no) cookies; the jar keeps what comes last.
	tabA, tabB := newBrowser(t), b
	_, authA, _ := tabA.send("GET", base+"/auth/login/oidc", nil)
	_, authB, _ := tabB.send("GET", base+"/auth/login/oidc", nil)
	for _, auth := range []string{authA, authB} {
		if !strings.HasPrefix(auth, p.Issuer) {
			t.Fatalf("a login start sent to %q", auth)
		}
	}
	backA, err := p.Login(context.Background(), p.Browser(), authA, oidctest.DefaultUser.Username, oidctest.DefaultUser.Password)
	if err != nil {
		t.Fatal(err)
	}
	backB, err := p.Login(context.Background(), p.Browser(), authB, oidctest.DefaultUser.Username, oidctest.DefaultUser.Password)
	if err != nil {
		t.Fatal(err)
	}
	if code, _, _ := b.send("GET", backA.String(), nil); code != http.StatusBadRequest {
		t.Fatalf("tab A's callback with tab B's cookies: %d, want 400", code)
	}
	if code := b.account(base); code == http.StatusOK {
		t.Fatal("tab A's refused callback logged in")
	}
	if code, _, body := b.send("GET", backB.String(), nil); code != http.StatusSeeOther {
		t.Fatalf("tab B's callback: %d %s", code, body)
	}
	if code := b.account(base); code != http.StatusOK {
		t.Fatalf("/account after tab B's login: %d", code)
	}
}

// TestCookieBackendRevocation runs two instances on the cookie backend
// with flamingo.session.cookie.revocation: redis: a copy of the cookies
// taken while logged in is refused at either instance once the browser
// logged out, and so is a copy taken before the login.
func TestCookieBackendRevocation(t *testing.T) {
	redisSrv := redistest.Standalone(t)
	one, two := httptest.NewUnstartedServer(nil), httptest.NewUnstartedServer(nil)
	base1, base2 := "http://"+one.Listener.Addr().String(), "http://"+two.Listener.Addr().String()
	p := oidctest.Start(t, oidctest.Options{RedirectURI: base1 + "/auth/callback/oidc"})
	cfg := map[string]any{
		"flamingo.session.backend": "cookie", "flamingo.session.cookie.revocation": "redis",
		"flamingo.session.redis.host": redisSrv.Addr,
		"flamingo.session.secret":     "a shared secret of thirty-two bytes", "flamingo.session.cookie.secure": false,
		"core.auth.web.baseURL": base1,
		"core.auth.web.broker": []any{map[string]any{"broker": "oidc", "typ": "oidc", "endpoint": p.Issuer,
			"clientID": p.ClientID, "clientSecret": p.ClientSecret}},
	}
	instance(t, one, cfg)
	instance(t, two, cfg)
	b := newBrowser(t)
	b.logIn(p, base1)
	u, _ := url.Parse(base1)
	loggedIn := b.client.Jar.Cookies(u)
	if code := b.account(base2); code != http.StatusOK {
		t.Fatalf("/account after the login: %d", code)
	}
	b.send("POST", base2+"/auth/logout", url.Values{})
	thief := newBrowser(t)
	thief.client.Jar.SetCookies(u, loggedIn)
	for _, base := range []string{base1, base2} {
		if code := thief.account(base); code == http.StatusOK {
			t.Fatalf("a copy of the logged-in cookies still logs in at %s after the logout", base)
		}
	}
}

// cookieRevocationInstances starts two instances with the cookie backend
// and revocation on one Redis, and zitadel's provider.
func cookieRevocationInstances(t *testing.T) (p *oidctest.Provider, base1, base2 string) {
	t.Helper()
	redisSrv := redistest.Standalone(t)
	one, two := httptest.NewUnstartedServer(nil), httptest.NewUnstartedServer(nil)
	base1, base2 = "http://"+one.Listener.Addr().String(), "http://"+two.Listener.Addr().String()
	p = oidctest.Start(t, oidctest.Options{RedirectURI: base1 + "/auth/callback/oidc"})
	cfg := map[string]any{
		"flamingo.session.backend": "cookie", "flamingo.session.cookie.revocation": "redis",
		"flamingo.session.redis.host": redisSrv.Addr,
		"flamingo.session.secret":     "a shared secret of thirty-two bytes", "flamingo.session.cookie.secure": false,
		"core.auth.web.baseURL": base1,
		"core.auth.web.broker": []any{map[string]any{"broker": "oidc", "typ": "oidc", "endpoint": p.Issuer,
			"clientID": p.ClientID, "clientSecret": p.ClientSecret}},
	}
	instance(t, one, cfg)
	instance(t, two, cfg)
	return p, base1, base2
}

// TestCookieBackendSessionsPageWithRevocation: with the cookie backend and
// revocation, the sessions page at one instance lists the session another
// browser logged in to at the other instance and ends it; a copy of its
// cookies no longer logs in.
func TestCookieBackendSessionsPageWithRevocation(t *testing.T) {
	p, base1, base2 := cookieRevocationInstances(t)
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
	other := list[0].Handle
	if list[0].Current {
		other = list[1].Handle
	}
	u, _ := url.Parse(base1)
	phoneCookies := phone.client.Jar.Cookies(u)
	if code, _, body := laptop.send("POST", base1+"/auth/sessions/end?redirecturl=/account", url.Values{"handle": {other}}); code != http.StatusSeeOther {
		t.Fatalf("end the phone's session: %d %s", code, body)
	}
	if phone.account(base1) == http.StatusOK || phone.account(base2) == http.StatusOK || laptop.account(base2) != http.StatusOK {
		t.Fatal("after ending the phone's session on the laptop, the phone must be logged out and the laptop not")
	}
	thief := newBrowser(t)
	thief.client.Jar.SetCookies(u, phoneCookies)
	if thief.account(base2) == http.StatusOK {
		t.Fatal("a copy of the ended session's cookies still logs in")
	}
	if code, _, body := laptop.send("GET", base1+"/auth/sessions", nil); code != http.StatusOK || strings.Count(body, `"handle"`) != 1 {
		t.Fatalf("GET /auth/sessions after ending the phone's: %d %s; want the laptop's alone", code, body)
	}
}

// TestCookieBackendBackChannelWithRevocation: with the cookie backend and
// revocation, a back-channel logout received by one instance ends the
// user's sessions logged in at both; copies of their cookies no longer log
// in.
func TestCookieBackendBackChannelWithRevocation(t *testing.T) {
	p, base1, base2 := cookieRevocationInstances(t)
	laptop, phone := newBrowser(t), newBrowser(t)
	laptop.logIn(p, base1)
	phone.logIn(p, base2)
	u, _ := url.Parse(base1)
	phoneCookies := phone.client.Jar.Cookies(u)
	token, err := p.LogoutToken(oidctest.DefaultUser.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	if code, _, body := newBrowser(t).send("POST", base2+"/auth/backchannel/oidc", url.Values{"logout_token": {token}}); code != http.StatusOK {
		t.Fatalf("back-channel logout: %d %s", code, body)
	}
	for _, b := range []*browser{laptop, phone} {
		if b.account(base1) == http.StatusOK || b.account(base2) == http.StatusOK {
			t.Fatal("a session of the user outlived the back-channel logout")
		}
	}
	thief := newBrowser(t)
	thief.client.Jar.SetCookies(u, phoneCookies)
	if thief.account(base1) == http.StatusOK {
		t.Fatal("a copy of the cookies from before the back-channel logout still logs in")
	}
	if code, _, _ := newBrowser(t).send("POST", base1+"/auth/backchannel/oidc", url.Values{"logout_token": {token}}); code != http.StatusBadRequest {
		t.Fatalf("the token replayed at the other instance: %d, want 400", code)
	}
}
