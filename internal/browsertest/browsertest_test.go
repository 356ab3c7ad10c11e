package browsertest_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/sessionauth/sessionauth/internal/browsertest"
)

func TestBrowserRendersAPage(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<html><body><p id="x">hello from the test server</p></body></html>`)
	}))
	defer srv.Close()
	ctx := browsertest.New(t, 30*time.Second)
	var text string
	if err := chromedp.Run(ctx, chromedp.Navigate(srv.URL), chromedp.Text("#x", &text)); err != nil {
		t.Fatal(err)
	}
	if text != "hello from the test server" {
		t.Fatalf("text = %q", text)
	}
}
