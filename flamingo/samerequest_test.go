package sessionauthflamingo_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"

	"flamingo.me/flamingo/v3/framework/web"

	sessionauthflamingo "github.com/sessionauth/sessionauth/flamingo"
	"github.com/sessionauth/sessionauth/internal/oidctest"
)

// keysFilter runs inside AuthModule's filter and, once the action has
// returned, answers with the keys of the request's session as Flamingo's
// r.Session() and as sessionauth's view hold them, as other filters and
// templates of that request would see them.
type keysFilter struct{}

func (keysFilter) Filter(ctx context.Context, req *web.Request, w http.ResponseWriter, chain *web.FilterChain) web.Result {
	result := chain.Next(ctx, req, w)
	var flamingoKeys []string
	for _, k := range req.Session().Keys() {
		if key, _ := k.(string); !strings.HasPrefix(key, "sessionauth.flamingo.") { // Store.Save's instructions
			flamingoKeys = append(flamingoKeys, key)
		}
	}
	slices.Sort(flamingoKeys)
	w.Header().Set("X-Flamingo-Keys", strings.Join(flamingoKeys, " "))
	w.Header().Set("X-Sessionauth-Keys", strings.Join(sessionauthflamingo.Session(ctx).Keys(), " "))
	return result
}

// TestFlamingoLoginSameRequest: in the request of the callback, r.Session()
// holds the login sessionauth just stored, and agrees with sessionauth's
// view; in the request of the logout, both are empty.
func TestFlamingoLoginSameRequest(t *testing.T) {
	p := oidctest.Start(t, oidctest.Options{})
	base := startFlamingo(t, loginConfig(p), login)
	c := browser(t)
	wantBody(t, c, base+"/", "1")
	_, _, authURL := get(t, c, base+"/auth/login?redirecturl=/profile")
	back, err := p.Login(context.Background(), p.Browser(), authURL, oidctest.DefaultUser.Username, oidctest.DefaultUser.Password)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.Get(base + back.RequestURI())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	ours, theirs := resp.Header.Get("X-Sessionauth-Keys"), resp.Header.Get("X-Flamingo-Keys")
	if resp.StatusCode != http.StatusSeeOther || !strings.Contains(ours, "sessionauth.identity") || theirs != ours {
		t.Fatalf("callback: %d, r.Session() has keys %q, sessionauth's view %q; want both with the login (sessionauth.identity)",
			resp.StatusCode, theirs, ours)
	}

	resp, err = c.PostForm(base+"/auth/logout", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	ours, theirs = resp.Header.Get("X-Sessionauth-Keys"), resp.Header.Get("X-Flamingo-Keys")
	if resp.StatusCode != http.StatusSeeOther || ours != "" || theirs != "" {
		t.Fatalf("logout: %d, r.Session() has keys %q, sessionauth's view %q; want both empty", resp.StatusCode, theirs, ours)
	}
}
