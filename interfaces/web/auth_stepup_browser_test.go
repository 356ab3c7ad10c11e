package web_test

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/sessionauth/sessionauth/application"
	"github.com/sessionauth/sessionauth/internal/browsertest"
	"github.com/sessionauth/sessionauth/internal/oidctest"
)

// TestBrowserStepUp: in Chromium, a user logged in at zitadel an hour ago
// who has a note in the session opens a page that asks for a login at most
// a minute old; the browser goes through zitadel's form again and lands
// on that page with the same session's note.
func TestBrowserStepUp(t *testing.T) {
	var stale atomic.Bool
	stale.Store(true)
	a := startAppWith(t, oidctest.Options{AuthTime: func(at time.Time) time.Time {
		if stale.Load() {
			return hourAgo(at)
		}
		return at
	}}, application.Options{})
	ctx := browsertest.New(t, 60*time.Second)
	logIn := chromedp.Tasks{
		chromedp.WaitVisible(`input[name="username"]`, chromedp.ByQuery),
		chromedp.SendKeys(`input[name="username"]`, oidctest.DefaultUser.Username, chromedp.ByQuery),
		chromedp.SendKeys(`input[name="password"]`, oidctest.DefaultUser.Password, chromedp.ByQuery),
		chromedp.Click(`button[type="submit"]`, chromedp.ByQuery),
	}
	var account, provider, page, at string
	err := chromedp.Run(ctx,
		chromedp.Navigate(a.srv.URL+"/account"),
		logIn,
		arrive(a.srv.URL+"/account"),
		chromedp.Text("pre", &account, chromedp.ByQuery),
		chromedp.Navigate(a.srv.URL+"/note?note=kept"),
		chromedp.ActionFunc(func(context.Context) error { stale.Store(false); return nil }),
		chromedp.Navigate(a.srv.URL+"/recent?x=1"),
		chromedp.Location(&provider), // zitadel's form again: the login is an hour old
	)
	if err != nil {
		t.Fatalf("browser: %v", err)
	}
	if !strings.Contains(account, "(user-1)") {
		t.Fatalf("after the first login /account shows %q", account)
	}
	if !strings.HasPrefix(provider, a.provider.Issuer) {
		t.Fatalf("/recent with an hour-old login led to %s; want the provider's form", provider)
	}
	err = chromedp.Run(ctx,
		logIn,
		arrive(a.srv.URL+"/recent"),
		chromedp.Text("pre", &page, chromedp.ByQuery),
		chromedp.Location(&at),
	)
	if err != nil {
		t.Fatalf("browser: %v", err)
	}
	if at != a.srv.URL+"/recent?x=1" || page != "hello user-1 at /recent?x=1, note kept" {
		t.Fatalf("after the step-up the browser is at %s showing %q; want /recent?x=1 with the session's note", at, page)
	}
}

// arrive waits until the browser is at a URL that starts with prefix and
// shows a text page (Chromium puts it in a pre element).
func arrive(prefix string) chromedp.Action {
	return chromedp.ActionFunc(func(ctx context.Context) error {
		for {
			var at string
			if err := chromedp.Location(&at).Do(ctx); err == nil && strings.HasPrefix(at, prefix) {
				return chromedp.WaitVisible("pre", chromedp.ByQuery).Do(ctx)
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(50 * time.Millisecond):
			}
		}
	})
}
