package web_test

import (
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/golang/mock/gomock"

	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/interfaces/web"
)

func TestLoginReturnPathIsSanitised(t *testing.T) {
	tests := []struct{ redirect, want string }{
		{"/account?tab=orders", "/account?tab=orders"},
		{"", "/"},
		{"//evil.example", "/"},
		{`/\evil.example`, "/"},
		{"https://evil.example", "/"},
		{"javascript:alert(1)", "/"},
		{"%2F%2Fevil.example", "/"},
		{"/%2F%2Fevil.example", "/"},
		{"/%5Cevil.example", "/"},
	}
	for _, tc := range tests {
		t.Run(tc.redirect, func(t *testing.T) {
			f := newAuthFixture(t, web.AuthControllerOptions{})
			state := f.startLogin(t, tc.redirect)
			f.idp.EXPECT().CheckIssuer(gomock.Any(), "").Return(nil)
			f.idp.EXPECT().Exchange(gomock.Any(), "c", gomock.Any(), gomock.Any()).Return(&domain.Identity{Broker: "idp", Subject: "u"}, nil)
			rec := f.serve("GET", "/auth/callback/idp?code=c&state="+url.QueryEscape(state), nil)
			if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != tc.want {
				t.Fatalf("callback: %d to %q, want a redirect to %q", rec.Code, rec.Header().Get("Location"), tc.want)
			}
		})
	}
}

func TestLoginStart(t *testing.T) {
	prompt := authCodeParamsFunc(func(r *http.Request, broker string) url.Values {
		return url.Values{"prompt": {"login"}, "for": {broker}}
	})
	tests := []struct {
		name       string
		opts       web.AuthControllerOptions
		brokers    []string
		path       string
		wantBroker string
		wantParams url.Values
	}{
		{"named broker", web.AuthControllerOptions{}, []string{"idp", "other"}, "/auth/login/idp", "idp", nil},
		{"the only broker is the default", web.AuthControllerOptions{}, []string{"idp"}, "/auth/login", "idp", nil},
		{"configured default", web.AuthControllerOptions{DefaultBroker: "other"}, []string{"idp", "other"}, "/auth/login", "other", nil},
		{"extra parameters", web.AuthControllerOptions{AuthCodeParams: prompt}, []string{"idp"}, "/auth/login/idp", "idp",
			url.Values{"prompt": {"login"}, "for": {"idp"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newAuthFixture(t, tc.opts, tc.brokers...)
			var req domain.AuthCodeRequest
			expectAuthCodeURL(f.brokers[tc.wantBroker], &req)
			rec := f.serve("GET", tc.path+"?redirecturl=%2Fx", nil)
			if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "https://idp.example/authorize?state="+url.QueryEscape(req.State) {
				t.Fatalf("%d to %q; want a redirect to the authorization URL", rec.Code, rec.Header().Get("Location"))
			}
			if !reflect.DeepEqual(req.Params, tc.wantParams) || req.Nonce == "" || req.PKCEVerifier == "" {
				t.Fatalf("authorization request %+v; want params %v, a nonce and a PKCE verifier", req, tc.wantParams)
			}
		})
	}
}

func TestLoginListsBrokersWithoutADefault(t *testing.T) {
	f := newAuthFixture(t, web.AuthControllerOptions{}, "corp", "dev")
	rec := f.serve("GET", "/auth/login?redirecturl=%2Faccount", nil)
	body := rec.Body.String()
	for _, want := range []string{`href="/auth/login/corp?redirecturl=%2Faccount"`, `href="/auth/login/dev?redirecturl=%2Faccount"`} {
		if rec.Code != http.StatusOK || !strings.Contains(body, want) {
			t.Fatalf("%d %s; want a link %s", rec.Code, body, want)
		}
	}
}

type authCodeParamsFunc func(r *http.Request, broker string) url.Values

// TestLoginListsBrokersKeepingTheStepUp: the links of the list ask what
// the login asked (a step-up of an anonymous visitor).
func TestLoginListsBrokersKeepingTheStepUp(t *testing.T) {
	f := newAuthFixture(t, web.AuthControllerOptions{}, "corp", "dev")
	rec := f.serve("GET", "/auth/login?max_age=60&acr_values=gold&prompt=login&redirecturl=%2Fpay", nil)
	want := `href="/auth/login/corp?acr_values=gold&amp;max_age=60&amp;prompt=login&amp;redirecturl=%2Fpay"`
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), want) {
		t.Fatalf("%d %s; want a link %s", rec.Code, rec.Body.String(), want)
	}
	if rec := f.serve("GET", "/auth/login?prompt=consent", nil); rec.Code != http.StatusBadRequest {
		t.Fatalf("list with prompt=consent: %d; want 400", rec.Code)
	}
}

func (f authCodeParamsFunc) AuthCodeParams(r *http.Request, broker string) url.Values {
	return f(r, broker)
}

func TestLogoutIsRefusedAcrossOrigins(t *testing.T) {
	tests := []struct {
		name   string
		header http.Header
		want   int
	}{
		{"cross-site fetch metadata", http.Header{"Sec-Fetch-Site": {"cross-site"}}, http.StatusForbidden},
		{"same-site but another origin", http.Header{"Sec-Fetch-Site": {"same-site"}}, http.StatusForbidden},
		{"foreign Origin", http.Header{"Origin": {"https://evil.example"}}, http.StatusForbidden},
		{"same origin", http.Header{"Sec-Fetch-Site": {"same-origin"}, "Origin": {"http://example.com"}}, http.StatusSeeOther},
		{"our Origin without fetch metadata", http.Header{"Origin": {"http://example.com"}}, http.StatusSeeOther},
		{"not a browser", nil, http.StatusSeeOther},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newAuthFixture(t, web.AuthControllerOptions{})
			f.logIn(t)
			f.idp.EXPECT().EndSessionURL(gomock.Any(), gomock.Any(), gomock.Any()).Return("", false).AnyTimes()
			rec := f.serve("POST", "/auth/logout", tc.header)
			if rec.Code != tc.want {
				t.Fatalf("logout: %d, want %d", rec.Code, tc.want)
			}
			if refused := tc.want == http.StatusForbidden; f.session.Destroyed() == refused || f.loggedIn() != refused {
				t.Fatalf("refused %v, but session destroyed %v and logged in %v", refused, f.session.Destroyed(), f.loggedIn())
			}
		})
	}
}

func TestLogoutRedirect(t *testing.T) {
	const end = "https://idp.example/end_session?id_token_hint=raw-id-token"
	tests := []struct {
		name     string
		opts     web.AuthControllerOptions
		loggedIn bool
		path     string
		endsAt   string // the post-logout URL the provider is given; "" for no end-session endpoint
		want     string
	}{
		{"end session with the base URL", web.AuthControllerOptions{BaseURL: "https://shop.example/", PostLogoutRedirect: "/bye"}, true, "/auth/logout", "https://shop.example/bye", end},
		{"end session with the request's host", web.AuthControllerOptions{}, true, "/auth/logout/idp", "http://example.com/", end},
		{"absolute post-logout URL", web.AuthControllerOptions{PostLogoutRedirect: "https://www.example/"}, true, "/auth/logout", "https://www.example/", end},
		{"no end-session endpoint", web.AuthControllerOptions{PostLogoutRedirect: "/bye"}, true, "/auth/logout", "", "/bye"},
		{"nobody logged in", web.AuthControllerOptions{}, false, "/auth/logout", "", "/"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newAuthFixture(t, tc.opts)
			if tc.loggedIn {
				f.logIn(t)
				f.idp.EXPECT().EndSessionURL(gomock.Any(), "raw-id-token", gomock.Any()).DoAndReturn(
					func(_ any, _ string, back string) (string, bool) {
						if tc.endsAt == "" {
							return "", false
						}
						if back != tc.endsAt {
							t.Errorf("post-logout redirect %q, want %q", back, tc.endsAt)
						}
						return end, true
					})
			}
			rec := f.serve("POST", tc.path, nil)
			if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != tc.want {
				t.Fatalf("logout: %d to %q, want %q", rec.Code, rec.Header().Get("Location"), tc.want)
			}
			if !f.session.Destroyed() || f.loggedIn() {
				t.Fatal("the session was not destroyed")
			}
		})
	}
}
