package web_test

import (
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/golang/mock/gomock"

	"github.com/sessionauth/sessionauth/application"
	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/infrastructure/fakebroker"
	"github.com/sessionauth/sessionauth/interfaces/web"
	"github.com/sessionauth/sessionauth/mocks"
)

var _ web.FakeLoginForm = (*fakebroker.Broker)(nil)

// formAction is the action of the first form of an HTML page.
var formAction = regexp.MustCompile(`<form[^>]* action="([^"]*)"`)

func actionOf(t *testing.T, page string) string {
	t.Helper()
	m := formAction.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no form on the page:\n%s", page)
	}
	return html.UnescapeString(m[1])
}

// fakeFormFixture serves the controller for a fake broker "dev" and a
// mocked OpenID broker "idp", with one session for all requests, and
// returns the path of a login form opened by a started login.
func fakeFormFixture(t *testing.T) (http.Handler, string) {
	fake, err := fakebroker.New(fakebroker.Config{Broker: "dev", Users: []fakebroker.User{{Username: "bob", Password: "pw"}}})
	if err != nil {
		t.Fatal(err)
	}
	idp := mocks.NewMockIdentityProvider(gomock.NewController(t))
	m := application.NewAuthManager(map[string]domain.IdentityProvider{"dev": fake, "idp": idp}, application.Options{})
	mux := http.NewServeMux()
	web.NewAuthController(m, web.AuthControllerOptions{}).Register(mux)
	s := domain.NewSession()
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mux.ServeHTTP(w, r.WithContext(web.ContextWithSession(r.Context(), s)))
	})
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/auth/login/dev", nil))
	if rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/auth/fake/dev/login?") {
		t.Fatalf("login with the fake broker: %d to %q", rec.Code, rec.Header().Get("Location"))
	}
	return h, rec.Header().Get("Location")
}

func TestFakeLoginForm(t *testing.T) {
	sameOrigin := http.Header{"Sec-Fetch-Site": {"same-origin"}}
	tests := []struct {
		name     string
		form     url.Values // nil: GET the form
		header   http.Header
		noQuery  bool // the form opened without a started login
		code     int
		location string // prefix
		body     string
	}{
		{"shows the form", nil, nil, false, 200, "", `id="password"`},
		{"right password", url.Values{"username": {"bob"}, "password": {"pw"}}, sameOrigin, false, 303, "/auth/callback/dev?code=", ""},
		{"wrong password", url.Values{"username": {"bob"}, "password": {"nope"}}, sameOrigin, false, 401, "", "wrong password"},
		{"unknown user, escaped", url.Values{"username": {`<i>x</i>`}, "password": {"pw"}}, sameOrigin, false, 401, "", `value="&lt;i&gt;x&lt;/i&gt;"`},
		{"cancel", url.Values{"cancel": {"1"}}, sameOrigin, false, 303, "/auth/callback/dev?error=access_denied", ""},
		{"cross-site post", url.Values{"username": {"bob"}, "password": {"pw"}}, http.Header{"Sec-Fetch-Site": {"cross-site"}}, false, 403, "", ""},
		{"no started login", url.Values{"username": {"bob"}, "password": {"pw"}}, sameOrigin, true, 400, "", "not started properly"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h, formPath := fakeFormFixture(t)
			req := httptest.NewRequest("GET", formPath, nil)
			if tc.form != nil {
				if tc.noQuery {
					formPath = strings.SplitN(formPath, "?", 2)[0]
				}
				req = httptest.NewRequest("POST", formPath, strings.NewReader(tc.form.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			}
			for k, v := range tc.header {
				req.Header[k] = v
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			loc := rec.Header().Get("Location")
			if rec.Code != tc.code || !strings.HasPrefix(loc, tc.location) || (tc.location == "") != (loc == "") || !strings.Contains(rec.Body.String(), tc.body) {
				t.Fatalf("%d to %q %s; want %d to %q with %q", rec.Code, loc, rec.Body, tc.code, tc.location, tc.body)
			}
			if tc.code != 303 && tc.code != 403 && actionOf(t, rec.Body.String()) != formPath {
				t.Fatalf("the form posts to %q, want %q (the flow's parameters kept)", actionOf(t, rec.Body.String()), formPath)
			}
		})
	}
}

func TestFakeLoginFormOnlyForFakeBrokers(t *testing.T) {
	h, _ := fakeFormFixture(t)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/auth/fake/idp/login", nil))
	if rec.Code != http.StatusNotFound {
		t.Fatalf("login form of an OpenID broker: %d, want 404", rec.Code)
	}
}
