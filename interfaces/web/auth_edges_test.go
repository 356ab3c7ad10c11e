package web_test

import (
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/sessionauth/sessionauth/application"
	"github.com/sessionauth/sessionauth/infrastructure/memorystore"
	"github.com/sessionauth/sessionauth/interfaces/web"
)

// TestAuthControllerEdges: what a link checker, a followed link and
// another site's form get from the controller's routes; the broker "idp"
// is asked nothing (the mock fails on any call).
func TestAuthControllerEdges(t *testing.T) {
	crossSite := http.Header{"Origin": {"https://evil.example"}, "Sec-Fetch-Site": {"cross-site"}}
	tests := []struct {
		name, method, target string
		header               http.Header
		status               int
		want, log            string
	}{
		{"HEAD of a login", "HEAD", "/auth/login/idp", nil, 200, "", ""},
		{"HEAD of the default login", "HEAD", "/auth/login", nil, 200, "", ""},
		{"HEAD of an unknown login", "HEAD", "/auth/login/nope", nil, 404, "", "status=404"},
		{"GET of logout", "GET", "/auth/logout", nil, 200, `<form method="post" action="/auth/logout">`, ""},
		{"GET of a broker's logout", "GET", "/auth/logout/idp", nil, 200, `action="/auth/logout/idp"`, ""},
		{"GET of an unknown broker's logout", "GET", "/auth/logout/nope", nil, 404, "Unknown login", "status=404"},
		{"cross-site logout", "POST", "/auth/logout", crossSite, 403, "Request refused", "level=INFO msg=\"cross-origin request refused\" method=POST path=/auth/logout origin=https://evil.example secFetchSite=cross-site"},
		{"cross-site end of sessions", "POST", "/auth/sessions/end", crossSite, 403, "Request refused", "origin=https://evil.example"},
		{"end of sessions naming none", "POST", "/auth/sessions/end", nil, 400, "handle=", ""},
		{"sessions of a guest", "GET", "/auth/sessions", nil, 401, "Not logged in", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			logs := new(syncBuffer)
			f := newAuthFixture(t, web.AuthControllerOptions{
				Logger:   slog.New(slog.NewTextHandler(logs, nil)),
				Sessions: application.NewUserSessions(memorystore.New(memorystore.Options{})),
			})
			rec := f.serve(tc.method, tc.target, tc.header)
			if rec.Code != tc.status || !strings.Contains(rec.Body.String(), tc.want) {
				t.Fatalf("%d %s; want %d and %q", rec.Code, rec.Body, tc.status, tc.want)
			}
			if tc.method == "HEAD" && (len(f.session.Keys()) != 0 || rec.Header().Get("Location") != "") {
				t.Fatalf("a HEAD stored %v in the session (Location %q); want nothing", f.session.Keys(), rec.Header().Get("Location"))
			}
			if lines := strings.Count(logs.String(), "\n"); (tc.log == "") != (lines == 0) || !strings.Contains(logs.String(), tc.log) {
				t.Fatalf("log %q; want one line with %q", logs, tc.log)
			}
		})
	}
}
