// Package browsertest drives a real headless Chromium for tests, through
// the DevTools protocol (chromedp). Chromium comes from Debian's package
// chromium; a test fails with the install command when it is missing.
package browsertest

import (
	"context"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// InstallHint is how to get Chromium on Debian.
const InstallHint = "install it with: apt-get install -y chromium (make test does this)"

// candidates are the names Chromium goes by.
var candidates = []string{"chromium", "chromium-browser", "google-chrome"}

// New starts a headless Chromium with a fresh profile that does not dial
// out (no background networking, updates, sync or first-run pages) and
// returns a browser tab's context, valid until the test ends or timeout
// passes.
func New(t testing.TB, timeout time.Duration) context.Context {
	t.Helper()
	path := ""
	for _, name := range candidates {
		if p, err := exec.LookPath(name); err == nil {
			path = p
			break
		}
	}
	if path == "" {
		t.Fatalf("no Chromium found (%v); %s", candidates, InstallHint)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck, chromedp.UserDataDir(profileDir(t)),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-dev-shm-usage", true), chromedp.Flag("disable-extensions", true),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc) // runs after the cleanup below: the browser is gone before its profile
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	ctx, cancelTimeout := context.WithTimeout(ctx, timeout)
	t.Cleanup(func() { cancelTimeout(); cancelCtx() })
	if err := chromedp.Run(ctx); err != nil {
		t.Fatalf("start Chromium %s: %v", path, err)
	}
	return ctx
}

// profileDir is a fresh browser profile, removed when the test ends. The
// browser's helper processes may still be writing to it for a moment after
// it quit, so removal is retried instead of failing the test.
func profileDir(t testing.TB) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "browsertest-profile-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for i := 0; i < 20 && os.RemoveAll(dir) != nil; i++ {
			time.Sleep(50 * time.Millisecond)
		}
	})
	return dir
}
