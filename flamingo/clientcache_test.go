package sessionauthflamingo_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/sessionauth/sessionauth/internal/oidctest"
	"github.com/sessionauth/sessionauth/internal/redistest"
)

// cachedRedis points cfg at srv with the client-side cache on.
func cachedRedis(cfg map[string]any, srv *redistest.Server) map[string]any {
	session(cfg)["repository"] = "redis"
	session(cfg)["redis"] = map[string]any{"host": srv.Addr, "clientCache": true}
	return cfg
}

// TestFlamingoClientCacheNoLostUpdates: with the client-side cache on, 2
// Flamingo instances x 20 goroutines write disjoint keys of one session,
// and none is lost.
func TestFlamingoClientCacheNoLostUpdates(t *testing.T) {
	srv := redistest.Standalone(t)
	const writers = 40
	if kept := writeDisjointKeys(t, func() map[string]any { return cachedRedis(baseConfig("redis"), srv) }, custom, writers); kept != writers {
		t.Fatalf("with clientCache, 2 instances kept %d of %d keys written in parallel", kept, writers)
	}
}

// TestFlamingoClientCacheLogoutEndsCopies: a session logged in at one
// instance and served from the other's memory is ended there by a logout
// at the first: a copy of its cookie is anonymous at both.
func TestFlamingoClientCacheLogoutEndsCopies(t *testing.T) {
	srv := redistest.Standalone(t)
	p := oidctest.Start(t, oidctest.Options{})
	a := startFlamingo(t, cachedRedis(loginConfig(p), srv), login)
	b := startFlamingo(t, cachedRedis(loginConfig(p), srv), login)
	c := browser(t)
	_, _, form := get(t, c, a+"/auth/login/dev?redirecturl=/profile")
	resp, err := c.PostForm(a+form, url.Values{"username": {"ada"}, "password": {"pw"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	get(t, c, a+resp.Header.Get("Location")) // the callback
	copied := browser(t)
	copied.Jar.SetCookies(mustURL(t, b), []*http.Cookie{{Name: "flamingo", Value: cookie(t, c, a)}})
	for range 3 { // the first load fills b's cache, the others are served from it
		if got := body(t, copied, b+"/profile"); !strings.HasPrefix(got, "ada Ada Lovelace ") {
			t.Fatalf("/profile at the other instance: %q, want ada's", got)
		}
	}
	resp, err = c.PostForm(a+"/auth/logout", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("logout: %d", resp.StatusCode)
	}
	for _, base := range []string{b, a} {
		if status, _, _ := get(t, copied, base+"/profile"); status != http.StatusSeeOther {
			t.Fatalf("/profile of a copy of the logged-out session at %s: %d, want a redirect to the login", base, status)
		}
	}
}
