package web_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/golang/mock/gomock"

	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/interfaces/web"
)

// callbackWith starts a login and returns its callback URL with query
// added to the state; the broker accepts a callback without iss.
func callbackWith(query url.Values) func(t *testing.T, f *authFixture) string {
	return func(t *testing.T, f *authFixture) string {
		f.idp.EXPECT().CheckIssuer(gomock.Any(), "").Return(nil).AnyTimes()
		query.Set("state", f.startLogin(t, "/"))
		return "/auth/callback/idp?" + query.Encode()
	}
}

// exchangeFails starts a login whose code exchange fails with err.
func exchangeFails(err error) func(t *testing.T, f *authFixture) string {
	return func(t *testing.T, f *authFixture) string {
		f.idp.EXPECT().Exchange(gomock.Any(), "c", gomock.Any(), gomock.Any()).Return(nil, err)
		return callbackWith(url.Values{"code": {"c"}})(t, f)
	}
}

func fixed(target string) func(*testing.T, *authFixture) string {
	return func(*testing.T, *authFixture) string { return target }
}

func TestAuthErrorPage(t *testing.T) {
	tests := []struct {
		name    string
		method  string
		prepare func(t *testing.T, f *authFixture) string // returns the URL to request
		code    int
		want    []string
	}{
		{"login with an unknown broker", "GET", fixed("/auth/login/nope"), 404, []string{"Unknown login"}},
		{"callback of an unknown broker", "GET", fixed("/auth/callback/nope?state=s&code=c"), 404, []string{"Unknown login"}},
		{"logout of an unknown broker", "POST", fixed("/auth/logout/nope"), 404, []string{"Unknown login"}},
		{"provider unreachable at login", "GET", func(t *testing.T, f *authFixture) string {
			f.idp.EXPECT().AuthCodeURL(gomock.Any(), gomock.Any()).Return("", fmt.Errorf("discovery: %w", domain.ErrProviderUnavailable))
			return "/auth/login/idp"
		}, 502, []string{"Login unavailable", `href="/auth/login/idp"`}},
		{"unknown state", "GET", fixed("/auth/callback/idp?state=forged&code=c"), 400,
			[]string{"Login expired or invalid", "Please start again", `href="/auth/login/idp"`}},
		{"no state", "GET", fixed("/auth/callback/idp?code=c"), 400, []string{"Login expired or invalid"}},
		{"provider error", "GET", callbackWith(url.Values{"error": {"access_denied"}, "error_description": {`<script>alert("x")</script>`}}),
			401, []string{`<code id="error-code">access_denied</code>`, "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;", `href="/auth/login/idp"`}},
		{"provider temporarily unavailable", "GET", callbackWith(url.Values{"error": {"temporarily_unavailable"}}), 502,
			[]string{"Login unavailable", "temporarily_unavailable"}},
		{"issuer mismatch", "GET", func(t *testing.T, f *authFixture) string {
			f.idp.EXPECT().CheckIssuer(gomock.Any(), "https://evil.example").Return(domain.ErrIssuerMismatch)
			return callbackWith(url.Values{"code": {"c"}, "iss": {"https://evil.example"}})(t, f)
		}, 400, []string{"could not be verified"}},
		{"code refused", "GET", exchangeFails(&domain.ProviderError{Code: "invalid_grant", Description: "code used"}), 401,
			[]string{"invalid_grant", "code used"}},
		{"ID token fails verification", "GET", exchangeFails(fmt.Errorf("%w: bad signature", domain.ErrInvalidIDToken)), 400,
			[]string{"could not be verified"}},
		{"token endpoint unreachable", "GET", exchangeFails(errors.New("dial tcp: connection refused")), 502, []string{"Login unavailable"}},
		{"neither code nor error", "GET", callbackWith(url.Values{}), 502, []string{"did not answer as expected"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newAuthFixture(t, web.AuthControllerOptions{})
			rec := f.serve(tc.method, tc.prepare(t, f), nil)
			if rec.Code != tc.code || rec.Header().Get("Location") != "" {
				t.Fatalf("%d (Location %q) %s; want %d and no redirect", rec.Code, rec.Header().Get("Location"), rec.Body, tc.code)
			}
			for _, want := range tc.want {
				if !strings.Contains(rec.Body.String(), want) {
					t.Fatalf("the page lacks %q:\n%s", want, rec.Body)
				}
			}
			if f.loggedIn() {
				t.Fatal("a failed request left the session logged in")
			}
		})
	}
}

func TestAuthErrorHandlerIsReplaceable(t *testing.T) {
	var got error
	custom := web.AuthErrorHandlerFunc(func(w http.ResponseWriter, r *http.Request, err error) {
		got = err
		http.Error(w, "custom page", web.AuthErrorStatus(err))
	})
	f := newAuthFixture(t, web.AuthControllerOptions{ErrorHandler: custom})
	rec := f.serve("GET", "/auth/callback/idp?state=forged&code=c", nil)
	if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "custom page") || !errors.Is(got, domain.ErrInvalidState) {
		t.Fatalf("%d %s, handler got %v; want the custom page for ErrInvalidState", rec.Code, rec.Body, got)
	}
}
