package sessionauthflamingo_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"flamingo.me/flamingo/v3/framework/web"

	sessionauthflamingo "github.com/sessionauth/sessionauth/flamingo"
	sessionauthweb "github.com/sessionauth/sessionauth/interfaces/web"
	"github.com/sessionauth/sessionauth/internal/oidctest"
)

// stepUpRoutes serve /recent, for a login at most a minute old, behind
// sessionauthflamingo.RequireLogin: it shows the counter of the session.
type stepUpRoutes struct{}

func (stepUpRoutes) Routes(registry *web.RouterRegistry) {
	registry.MustRoute("/recent", "recent")
	registry.HandleGet("recent", sessionauthflamingo.RequireLogin(sessionauthweb.RequireLoginOptions{MaxAge: time.Minute},
		func(ctx context.Context, r *web.Request) web.Result {
			return text(fmt.Sprint("recent, counter ", r.Session().Try("n")))
		}))
}

// TestFlamingoStepUp: a user whose login at zitadel is an hour old opens a
// page that asks for one at most a minute old; the route sends them to the
// provider with max_age, and after a fresh login they are back on the
// page with the session's data. A provider that keeps answering with the
// old authentication is refused with a page, and the login stays.
func TestFlamingoStepUp(t *testing.T) {
	var stale atomic.Bool
	stale.Store(true)
	p := oidctest.Start(t, oidctest.Options{AuthTime: func(at time.Time) time.Time {
		if stale.Load() {
			return at.Add(-time.Hour)
		}
		return at
	}})
	base := startFlamingo(t, loginConfig(p), login)
	c := browser(t)
	wantBody(t, c, base+"/", "1")
	if status, _, loc := get(t, c, base+"/recent"); status != http.StatusSeeOther || loc != "/auth/login?max_age=60&redirecturl=%2Frecent" {
		t.Fatalf("anonymous /recent: %d to %q; want the login with max_age", status, loc)
	}
	flamingoLogin(t, p, c, base, "/auth/login?redirecturl=%2Fprofile", "/profile")

	status, _, loc := get(t, c, base+"/recent")
	if status != http.StatusSeeOther || loc != "/auth/login/oidc?max_age=60&redirecturl=%2Frecent" {
		t.Fatalf("/recent with an hour-old login: %d to %q; want the step-up login", status, loc)
	}
	// The provider ignores max_age: refused, and the login stays.
	before := cookie(t, c, base)
	status, page := flamingoCallback(t, p, c, base, loc)
	if status != http.StatusForbidden || !strings.Contains(page, "Sign-in not confirmed") {
		t.Fatalf("callback with an old auth_time: %d %s; want 403 and the page that says so", status, page)
	}
	if got := body(t, c, base+"/profile"); !strings.HasPrefix(got, oidctest.DefaultUser.ID+" ") {
		t.Fatalf("/profile after the refused step-up: %q; want the earlier login", got)
	}
	// The session kept its ID: the cookie from before the refusal still
	// finds the login (a login would have deleted the old ID).
	old := browser(t)
	old.Jar.SetCookies(mustURL(t, base), []*http.Cookie{{Name: "flamingo", Value: before}})
	if got := body(t, old, base+"/profile"); !strings.HasPrefix(got, oidctest.DefaultUser.ID+" ") {
		t.Fatalf("/profile with the cookie from before the refused step-up: %q; want the same session", got)
	}

	stale.Store(false)
	flamingoLogin(t, p, c, base, loc, "/recent")
	wantBody(t, c, base+"/recent", "recent, counter 1")
	if got := p.LastAuthRequest().MaxAge; got != "60" {
		t.Fatalf("max_age at the provider: %q; want 60", got)
	}
}

// flamingoCallback starts the login at path, logs in at p and returns
// status and body of the callback.
func flamingoCallback(t *testing.T, p *oidctest.Provider, c *http.Client, base, path string) (int, string) {
	t.Helper()
	_, _, authURL := get(t, c, base+path)
	back, err := p.Login(context.Background(), p.Browser(), authURL, oidctest.DefaultUser.Username, oidctest.DefaultUser.Password)
	if err != nil {
		t.Fatal(err)
	}
	status, b, _ := get(t, c, base+back.RequestURI())
	return status, b
}

// flamingoLogin runs the login at path and wants the callback to send to
// returnPath.
func flamingoLogin(t *testing.T, p *oidctest.Provider, c *http.Client, base, path, returnPath string) {
	t.Helper()
	_, _, authURL := get(t, c, base+path)
	back, err := p.Login(context.Background(), p.Browser(), authURL, oidctest.DefaultUser.Username, oidctest.DefaultUser.Password)
	if err != nil {
		t.Fatal(err)
	}
	if status, _, loc := get(t, c, base+back.RequestURI()); status != http.StatusSeeOther || loc != returnPath {
		t.Fatalf("callback: %d to %q; want %q", status, loc, returnPath)
	}
}
