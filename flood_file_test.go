package sessionauth_test

import (
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/sessionauth/sessionauth/domain"
)

// TestFileLoginFloodKeepsLoggedInUsers: with the file backend capped at
// 200 session files (flamingo.session.fileMaxSessions), 20 logged-in
// users and then 2 000 cookieless login starts (ten times the cap): every
// user stays logged in and the directory never holds more than the cap.
func TestFileLoginFloodKeepsLoggedInUsers(t *testing.T) {
	const maxSessions, users, flood = 200, 20, 2000
	dir := t.TempDir()
	injector := newInjector(t, map[string]any{
		"flamingo.session.backend": "file", "flamingo.session.file": dir,
		"flamingo.session.fileMaxSessions": maxSessions, "flamingo.session.cookie.secure": false,
	})
	repo := repository(t, injector)
	t.Cleanup(func() { _ = repo.(domain.SessionRepositoryCloser).Close() })
	app := loginApp(t, repo, time.Hour)
	srv := httptest.NewServer(app)
	defer srv.Close()
	browsers := make([]*http.Client, users)
	for i := range browsers {
		browsers[i] = loggedInBrowser(t, srv)
	}
	most := 0
	for range flood / 100 {
		anonymousLoginStarts(t, app, 100)
		most = max(most, sessionFiles(t, dir))
	}
	if most > maxSessions {
		t.Errorf("the directory held %d session files during %d anonymous login starts; want at most the cap, %d", most, flood, maxSessions)
	}
	lost := 0
	for _, b := range browsers {
		if !loggedIn(t, srv, b) {
			lost++
		}
	}
	if lost > 0 {
		t.Fatalf("%d of %d logged-in users lost their session to %d anonymous login starts (cap %d session files); want 0", lost, users, flood, maxSessions)
	}
}

func sessionFiles(t *testing.T, dir string) int {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, "*.session"))
	if err != nil {
		t.Fatal(err)
	}
	return len(m)
}
