package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/golang/mock/gomock"

	"github.com/sessionauth/sessionauth/application"
	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/interfaces/web"
	"github.com/sessionauth/sessionauth/mocks"
)

// authFixture is an AuthController over mocked brokers, whose requests all
// carry one session (as SessionMiddleware would hand them).
type authFixture struct {
	brokers map[string]*mocks.MockIdentityProvider
	idp     *mocks.MockIdentityProvider // brokers["idp"]
	manager *application.AuthManager
	session *web.Session
	handler http.Handler
}

// newAuthFixture mocks the named brokers, "idp" when none are named.
func newAuthFixture(t *testing.T, opts web.AuthControllerOptions, names ...string) *authFixture {
	t.Helper()
	if len(names) == 0 {
		names = []string{"idp"}
	}
	ctrl := gomock.NewController(t)
	f := &authFixture{brokers: map[string]*mocks.MockIdentityProvider{}, session: domain.NewSession()}
	ports := map[string]domain.IdentityProvider{}
	for _, name := range names {
		f.brokers[name] = mocks.NewMockIdentityProvider(ctrl)
		ports[name] = f.brokers[name]
	}
	f.idp = f.brokers["idp"]
	f.manager = application.NewAuthManager(ports, application.Options{})
	mux := http.NewServeMux()
	web.NewAuthController(f.manager, opts).Register(mux)
	f.handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mux.ServeHTTP(w, r.WithContext(web.ContextWithSession(r.Context(), f.session)))
	})
	return f
}

// serve sends one request with the given headers through the controller.
func (f *authFixture) serve(method, target string, header http.Header) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, target, nil)
	for k, v := range header {
		req.Header[k] = v
	}
	rec := httptest.NewRecorder()
	f.handler.ServeHTTP(rec, req)
	return rec
}

// expectAuthCodeURL makes broker answer the next AuthCodeURL with an
// authorization URL and reports the request it got through *got.
func expectAuthCodeURL(broker *mocks.MockIdentityProvider, got *domain.AuthCodeRequest) {
	broker.EXPECT().AuthCodeURL(gomock.Any(), gomock.Any()).DoAndReturn(
		func(_ context.Context, req domain.AuthCodeRequest) (string, error) {
			*got = req
			return "https://idp.example/authorize?state=" + url.QueryEscape(req.State), nil
		})
}

// startLogin starts a login with broker "idp" through the controller and
// returns the state the broker was given.
func (f *authFixture) startLogin(t *testing.T, returnPath string) string {
	t.Helper()
	var req domain.AuthCodeRequest
	expectAuthCodeURL(f.idp, &req)
	rec := f.serve("GET", "/auth/login/idp?redirecturl="+url.QueryEscape(returnPath), nil)
	if rec.Code != http.StatusSeeOther || req.State == "" {
		t.Fatalf("login start: %d %s", rec.Code, rec.Body)
	}
	return req.State
}

// logIn runs a whole login with broker "idp" through the controller.
func (f *authFixture) logIn(t *testing.T) {
	t.Helper()
	state := f.startLogin(t, "/")
	f.idp.EXPECT().CheckIssuer(gomock.Any(), "").Return(nil)
	f.idp.EXPECT().Exchange(gomock.Any(), "c", gomock.Any(), gomock.Any()).Return(&domain.Identity{
		Broker: "idp", Subject: "u1", IDToken: domain.IDToken{Subject: "u1", Raw: "raw-id-token"},
		User: domain.User{Sub: "u1", Name: "User One"},
	}, nil)
	if rec := f.serve("GET", "/auth/callback/idp?code=c&state="+url.QueryEscape(state), nil); rec.Code != http.StatusSeeOther {
		t.Fatalf("callback: %d %s", rec.Code, rec.Body)
	}
	if !f.loggedIn() {
		t.Fatal("not logged in after the callback")
	}
}

func (f *authFixture) loggedIn() bool {
	return (&application.UserService{}).IsLoggedIn(context.Background(), f.session)
}
