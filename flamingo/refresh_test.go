package sessionauthflamingo_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"flamingo.me/flamingo/v3/framework/web"

	"github.com/sessionauth/sessionauth/application"
	sessionauthflamingo "github.com/sessionauth/sessionauth/flamingo"
	"github.com/sessionauth/sessionauth/internal/oidctest"
	"github.com/sessionauth/sessionauth/internal/redistest"
)

// userinfoController is a Flamingo controller that calls the provider's
// userinfo endpoint with AuthManager.HTTPClient, which sends the access
// token and refreshes it when due.
type userinfoController struct {
	auth     *application.AuthManager
	endpoint string
}

func (c *userinfoController) Inject(auth *application.AuthManager, cfg *struct {
	Brokers []any `inject:"config:core.auth.web.broker"`
}) *userinfoController {
	c.auth = auth
	broker, _ := cfg.Brokers[0].(map[string]any)
	c.endpoint = fmt.Sprint(broker["endpoint"]) + "/userinfo"
	return c
}

func (c *userinfoController) Get(ctx context.Context, r *web.Request) web.Result {
	client, err := c.auth.HTTPClient(ctx, sessionauthflamingo.Session(ctx))
	if err != nil {
		return &web.Response{Status: http.StatusUnauthorized, Body: strings.NewReader(err.Error())}
	}
	resp, err := client.Get(c.endpoint)
	if err != nil {
		return &web.Response{Status: http.StatusBadGateway, Body: strings.NewReader(err.Error())}
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return &web.Response{Status: uint(resp.StatusCode), Body: strings.NewReader(string(body))}
}

// userinfoRoutes serve the controller at /userinfo.
type userinfoRoutes struct{ controller *userinfoController }

func (r *userinfoRoutes) Inject(c *userinfoController) *userinfoRoutes {
	r.controller = c
	return r
}

func (r *userinfoRoutes) Routes(registry *web.RouterRegistry) {
	registry.MustRoute("/userinfo", "userinfo")
	registry.HandleGet("userinfo", r.controller.Get)
}

// TestFlamingoParallelRefreshOnce: 20 parallel requests of one logged-in
// visitor through a Flamingo controller calling AuthManager.HTTPClient,
// once the access token is due, make exactly one refresh grant at the
// provider; every request reaches the userinfo endpoint, and the refreshed
// tokens stay in Flamingo's session: the next request, at a second
// instance on the same Redis, which cannot reuse the first one's refresh,
// refreshes nothing.
func TestFlamingoParallelRefreshOnce(t *testing.T) {
	// A token is due 10 s (application.DefaultRefreshLeeway) before it
	// expires: dueAfter after it was issued, at the login and again at the
	// refresh, which gives the 20 requests dueAfter to finish on a busy
	// machine before the refreshed token is due in turn.
	const dueAfter = 6 * time.Second
	p := oidctest.Start(t, oidctest.Options{AccessTokenLifetime: application.DefaultRefreshLeeway + dueAfter})
	cfg := loginConfig(p)
	web := cfg["core"].(map[string]any)["auth"].(map[string]any)["web"].(map[string]any)
	web["broker"].([]any)[0].(map[string]any)["enableOfflineToken"] = true // a refresh token
	session(cfg)["repository"] = "redis"
	session(cfg)["redis"] = map[string]any{"host": redistest.Standalone(t).Addr}
	base := startFlamingo(t, cfg, login)
	other := startFlamingo(t, cfg, login) // another instance: no refresh result of base's to reuse
	c := browser(t)
	_, _, authURL := get(t, c, base+"/auth/login?redirecturl=/userinfo")
	back, err := p.Login(context.Background(), p.Browser(), authURL, oidctest.DefaultUser.Username, oidctest.DefaultUser.Password)
	if err != nil {
		t.Fatal(err)
	}
	get(t, c, base+back.RequestURI())
	if status, body, _ := get(t, c, base+"/userinfo"); status != http.StatusOK || p.RefreshCount() != 0 {
		t.Fatalf("userinfo before the token is due: %d %s, %d refreshes", status, body, p.RefreshCount())
	}
	time.Sleep(dueAfter + 500*time.Millisecond)
	parallel(t, 20, func() {
		if status, body, _ := get(t, c, base+"/userinfo"); status != http.StatusOK || !strings.Contains(body, oidctest.DefaultUser.ID) {
			t.Errorf("userinfo after the token is due: %d %s", status, body)
		}
	})
	if n := p.RefreshCount(); n != 1 {
		t.Fatalf("the provider saw %d refresh grants for 20 parallel requests, want exactly 1", n)
	}
	if status, body, _ := get(t, c, other+"/userinfo"); status != http.StatusOK || p.RefreshCount() != 1 {
		t.Fatalf("the next request, at another instance: %d %s, %d refreshes; the refreshed tokens did not stay in Flamingo's session",
			status, body, p.RefreshCount())
	}
}
