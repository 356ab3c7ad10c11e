package sessionauthflamingo_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/infrastructure/cookiesigner"
	"github.com/sessionauth/sessionauth/infrastructure/redisstore"
	"github.com/sessionauth/sessionauth/internal/redistest"
)

// TestFlamingoConfig: the seeds' keys work unchanged next to Flamingo's own
// SessionModule, legacy spellings too, and wrong values are rejected with a
// message naming the key — by Flamingo's schema or by sessionauth.
func TestFlamingoConfig(t *testing.T) {
	legacy := map[string]any{
		"session": map[string]any{"secret": "legacy-secret", "cookie": map[string]any{"secure": false}, "max": map[string]any{"age": 3600}},
		"flamingo": map[string]any{"session": map[string]any{"backend": "custom", "repository": "memory",
			"previousSecrets": []any{"older-secret"}}},
	}
	if cookie := wantCounter(t, startFlamingo(t, legacy, custom), 2); !strings.Contains(cookie, "Max-Age=3600") {
		t.Fatalf("session.max.age was not applied: %s", cookie)
	}
	tests := []struct {
		name string
		cfg  map[string]any
		want []string
	}{
		{"Flamingo's schema", map[string]any{"flamingo": map[string]any{"session": map[string]any{
			"backend": "custom", "cookie": map[string]any{"sameSite": "sometimes"}}}}, []string{"sameSite"}},
		{"sessionauth's check", map[string]any{"flamingo": map[string]any{"session": map[string]any{
			"backend": "custom", "repository": "memory", "max": map[string]any{"age": -5}}}}, []string{"flamingo.session.max.age = -5"}},
		{"repository missing", map[string]any{"flamingo": map[string]any{"session": map[string]any{
			"backend": "custom"}}}, []string{"flamingo.session.backend", "flamingo.session.repository"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := startupError(t, tc.cfg, custom)
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("start-up output does not mention %q:\n%s", w, out)
				}
			}
		})
	}
}

// TestFlamingoKeyRotation: a cookie signed with a key listed in
// flamingo.session.previousSecrets (a list, which Flamingo binds as its own
// config.Slice type) still opens its session.
func TestFlamingoKeyRotation(t *testing.T) {
	srv := redistest.Standalone(t)
	repo := redisstore.New(srv.Client(t), redisstore.Options{MaxAge: time.Hour})
	s := domain.NewSession()
	s.Store("n", 41)
	if err := repo.Save(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	old, err := cookiesigner.New("flamingo", []string{"older-secret"}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	cookie, err := old.Sign(s.ID())
	if err != nil {
		t.Fatal(err)
	}
	base := startFlamingo(t, map[string]any{"flamingo": map[string]any{"session": map[string]any{
		"backend": "custom", "repository": "redis", "secret": "new-secret", "previousSecrets": []any{"older-secret"},
		"cookie": map[string]any{"secure": false}, "redis": map[string]any{"host": srv.Addr},
	}}}, custom)
	req, _ := http.NewRequest("GET", base+"/", nil)
	req.AddCookie(&http.Cookie{Name: "flamingo", Value: cookie})
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "42" {
		t.Fatalf("a cookie signed with a previous secret gave %q, want the stored session's counter 42", body)
	}
}

// TestFlamingoConfigErrorSaysWhatToFix: a broker entry with a wrong
// endpoint stops the start; the first line of sessionauth's message names
// the field and what to write, whether the check runs as the module is
// injected (AuthModule) or with the eager singletons, and the output does
// not also claim that requests fail.
func TestFlamingoConfigErrorSaysWhatToFix(t *testing.T) {
	broker := map[string]any{"auth": map[string]any{"web": map[string]any{"broker": []any{map[string]any{
		"broker": "corp", "typ": "oidc", "endpoint": "not a url", "clientID": "shop", "clientSecret": "s3cr3t-client"}}}}}
	session := map[string]map[string]any{login: {"backend": "custom", "repository": "memory"}, modules: {"backend": "memory"}}
	for _, mode := range []string{login, modules} {
		t.Run(mode, func(t *testing.T) {
			out := startupError(t, map[string]any{"flamingo": map[string]any{"session": session[mode]}, "core": broker}, mode)
			_, msg, ok := strings.Cut(out, "sessionauth: invalid configuration")
			first, _, _ := strings.Cut(msg, "\n")
			if !ok || !strings.Contains(first, `config key core.auth.web.broker[0].endpoint = "not a url": is not an absolute URL; write the issuer URL`) {
				t.Errorf("sessionauth's first line %q does not say what to fix:\n%s", first, out)
			}
			for _, bad := range []string{"every request fails", "s3cr3t"} {
				if strings.Contains(out, bad) {
					t.Errorf("the output says %q:\n%s", bad, out)
				}
			}
		})
	}
}

// TestFlamingoLoginNeedsTheCustomBackend: the login with Flamingo's own
// session backend stops the start with the configuration's error, which
// says what to write, and no panic.
func TestFlamingoLoginNeedsTheCustomBackend(t *testing.T) {
	out := startupError(t, map[string]any{"flamingo": map[string]any{"session": map[string]any{"backend": "memory"}}}, login)
	want := `sessionauth: invalid configuration: config key flamingo.session.backend = "memory": sessionauth's login in Flamingo keeps its state in Flamingo's session, so set it to custom`
	if !strings.Contains(out, want) || strings.Contains(out, "panic") || strings.Contains(out, "goroutine ") {
		t.Errorf("start-up output:\n%s\nwant %q and no panic", out, want)
	}
}
