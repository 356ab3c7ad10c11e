package web_test

// The controller of the seeds' documentation ("Flamingo Sessions",
// Authentication), compiled against sessionauth. Differences to the seeds:
// the import paths; the seeds' elided parts ("// ...") are filled in so
// that the variables are used; Get returns a Result. Nothing else changed.

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/sessionauth/sessionauth/application"
	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/infrastructure/cookiesigner"
	"github.com/sessionauth/sessionauth/infrastructure/fakebroker"
	"github.com/sessionauth/sessionauth/infrastructure/memorystore"
	"github.com/sessionauth/sessionauth/interfaces/web"
)

type Controller struct {
	authManager *application.AuthManager
	userService application.UserServiceInterface
	session     *web.Session
}

// Inject dependencies
func (c *Controller) Inject(
	authManager *application.AuthManager,
	userService application.UserServiceInterface,
	session *web.Session,
) *Controller {
	c.authManager = authManager
	c.userService = userService
	c.session = session

	return c
}

func (c *Controller) Get(ctx context.Context, r *web.Request) web.Result {
	token, err := c.authManager.IDToken(ctx, c.session)
	if err != nil {
		return http.RedirectHandler("/auth/login?redirecturl="+r.URL.Path, http.StatusSeeOther)
	}
	user := c.userService.GetUser(ctx, c.session)

	/*
	 * client is of type http.Client, and provides
	 * a basic http client functionality.
	 * If the context belongs to a logged in user
	 * then all requests done via this client will have
	 * automatically the current OAuth2 Access Token assigned
	 */
	client, err := c.authManager.HTTPClient(ctx, c.session)
	if err != nil {
		return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { http.Error(w, err.Error(), http.StatusBadGateway) })
	}
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintf(w, "%s %s %T", token.Subject, user.Name, client.Transport)
	})
}

// TestSeedsController runs the seeds' controller behind the session
// middleware, once per request with the request's session, before and
// after a login with the fake broker.
func TestSeedsController(t *testing.T) {
	fake, err := fakebroker.New(fakebroker.Config{Broker: "dev", Users: []fakebroker.User{
		{Username: "ada", Password: "pw", User: domain.User{Sub: "ada", Name: "Ada Lovelace"}}}})
	if err != nil {
		t.Fatal(err)
	}
	manager := application.NewAuthManager(map[string]domain.IdentityProvider{"dev": fake}, application.Options{})
	users := &application.UserService{}
	mux := http.NewServeMux()
	web.NewAuthController(manager, web.AuthControllerOptions{}).Register(mux)
	mux.Handle("GET /profile", web.Action(func(ctx context.Context, r *web.Request) web.Result {
		return new(Controller).Inject(manager, users, web.SessionFromContext(ctx)).Get(ctx, r)
	}))
	repo := memorystore.New(memorystore.Options{MaxAge: time.Hour})
	signer, _ := cookiesigner.New("s", []string{"k"}, time.Hour)
	srv := httptest.NewServer(web.NewSessionMiddleware(repo, signer, web.SessionOptions{Name: "s", MaxAge: time.Hour}).Handler(mux))
	defer srv.Close()
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}

	resp, err := client.Get(srv.URL + "/profile") // anonymous: the controller sends to the login form
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	form := resp.Request.URL
	if !strings.HasPrefix(form.Path, "/auth/fake/dev/login") {
		t.Fatalf("anonymous /profile ended at %s", form)
	}
	resp, err = client.PostForm(form.String(), map[string][]string{"username": {"ada"}, "password": {"pw"}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if got := string(body); resp.Request.URL.Path != "/profile" || !strings.HasPrefix(got, "ada Ada Lovelace") {
		t.Fatalf("after login: %s %q", resp.Request.URL, got)
	}
}
