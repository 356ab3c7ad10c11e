package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/sessionauth/sessionauth/internal/browsertest"
)

// TestBrowserRevokeSession logs in as alice in two Chromium browsers, ends
// the second one's session from the first one's "Your sessions" page, and
// sees the second one logged out on its next request while the first stays
// logged in.
func TestBrowserRevokeSession(t *testing.T) {
	srv := startExample(t, nil)
	laptop, phone := browsertest.New(t, 60*time.Second), browsertest.New(t, 60*time.Second)
	for _, ctx := range []context.Context{laptop, phone} {
		err := chromedp.Run(ctx,
			chromedp.Navigate(srv.URL+"/"),
			chromedp.Click("#login-dev", chromedp.ByQuery),
			chromedp.WaitVisible("#username", chromedp.ByQuery),
			chromedp.SendKeys("#username", "alice", chromedp.ByQuery),
			chromedp.SendKeys("#password", "secret", chromedp.ByQuery),
			chromedp.Click("#login", chromedp.ByQuery),
			chromedp.WaitVisible("#claims", chromedp.ByQuery),
		)
		if err != nil {
			t.Fatalf("login: %v", err)
		}
	}
	var rows, after string
	err := chromedp.Run(laptop,
		chromedp.Navigate(srv.URL+"/sessions"),
		chromedp.WaitVisible("#sessions", chromedp.ByQuery),
		chromedp.Text("#sessions", &rows, chromedp.ByQuery),
		chromedp.Click("tr.other button.end", chromedp.ByQuery),
		chromedp.WaitNotPresent("tr.other", chromedp.ByQuery),
		chromedp.Text("#sessions", &after, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatalf("revoke on the sessions page: %v", err)
	}
	if strings.Count(rows, "HeadlessChrome") != 2 || !strings.Contains(rows, "(this device)") || strings.Count(after, "HeadlessChrome") != 1 {
		t.Fatalf("sessions before the revoke:\n%s\nafter:\n%s", rows, after)
	}
	var phoneSees, laptopSees string
	if err := chromedp.Run(phone, chromedp.Navigate(srv.URL+"/"), chromedp.Text("#user", &phoneSees, chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Run(laptop, chromedp.Navigate(srv.URL+"/"), chromedp.Text("#user", &laptopSees, chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(phoneSees, "Not logged in") || !strings.Contains(laptopSees, "Alice Example") {
		t.Fatalf("after the revoke the phone sees %q and the laptop %q", phoneSees, laptopSees)
	}
}
