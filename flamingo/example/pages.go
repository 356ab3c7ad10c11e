package main

import (
	"context"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"flamingo.me/flamingo/v3/framework/web"

	"github.com/sessionauth/sessionauth/application"
	"github.com/sessionauth/sessionauth/domain"
	sessionauthflamingo "github.com/sessionauth/sessionauth/flamingo"
)

var layout = template.Must(template.New("layout").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>sessionauth in Flamingo</title>
<style>body{font-family:sans-serif;max-width:46em;margin:2em auto}.flash{background:#ffd;padding:.5em}
pre{background:#f4f4f4;padding:.5em;overflow:auto}form.inline{display:inline}</style></head>
<body><h1>sessionauth in Flamingo</h1>
<p id="user">{{if .User.Sub}}Logged in as <strong id="user-name">{{.User.Name}}</strong>
<form class="inline" method="post" action="/auth/logout"><button id="logout">Log out</button></form>
{{else}}Not logged in. <a id="login" href="/auth/login?redirecturl=/profile">Log in</a>{{end}}</p>
<p><a href="/">Home</a> · <a href="/profile">Profile</a></p>
{{range .Flashes}}<p class="flash">{{.}}</p>{{end}}
{{if .Claims}}<h2>ID token claims</h2><pre id="claims">{{.Claims}}</pre>{{else}}
<p id="visits">Visits in this session: <strong>{{.Visits}}</strong></p>
<form method="post" action="/flash"><input name="message" placeholder="flash message"> <button>Add flash</button></form>{{end}}
</body></html>`))

type page struct {
	User    *domain.User
	Flashes []any
	Visits  int
	Claims  string
}

// routes serve the pages: the counter, the flash form and the profile.
type routes struct {
	auth  *application.AuthManager
	users application.UserServiceInterface
}

func (r *routes) Inject(auth *application.AuthManager, users application.UserServiceInterface) *routes {
	r.auth, r.users = auth, users
	return r
}

func (r *routes) Routes(registry *web.RouterRegistry) {
	registry.MustRoute("/", "home")
	registry.HandleGet("home", r.home)
	registry.MustRoute("/flash", "flash")
	registry.HandlePost("flash", addFlash)
	registry.MustRoute("/profile", "profile")
	registry.HandleGet("profile", r.profile)
}

// home counts visits on Flamingo's *web.Session and shows its flashes.
func (r *routes) home(ctx context.Context, req *web.Request) web.Result {
	s := req.Session()
	visits, _ := s.Try("visits").(int)
	s.Store("visits", visits+1)
	user := r.users.GetUser(ctx, sessionauthflamingo.Session(ctx))
	return render(page{User: user, Flashes: s.Flashes(), Visits: visits + 1})
}

func addFlash(_ context.Context, req *web.Request) web.Result {
	if msg, err := req.Form1("message"); err == nil && msg != "" {
		req.Session().AddFlash(msg)
	}
	return redirect("/")
}

// profile shows the user and the ID token's claims, or sends to the login.
func (r *routes) profile(ctx context.Context, req *web.Request) web.Result {
	session := sessionauthflamingo.Session(ctx)
	token, err := r.auth.IDToken(ctx, session)
	if err != nil {
		return redirect("/auth/login?" + url.Values{"redirecturl": {"/profile"}}.Encode())
	}
	var claims map[string]any
	if err := token.Claims(&claims); err != nil {
		return &web.Response{Status: http.StatusInternalServerError, Body: strings.NewReader(err.Error())}
	}
	b, _ := json.MarshalIndent(claims, "", "  ")
	return render(page{User: r.users.GetUser(ctx, session), Flashes: req.Session().Flashes(), Claims: string(b)})
}

func render(p page) web.Result {
	var b strings.Builder
	if err := layout.Execute(&b, p); err != nil {
		return &web.Response{Status: http.StatusInternalServerError, Body: strings.NewReader(fmt.Sprint(err))}
	}
	return &web.Response{Status: http.StatusOK, Body: strings.NewReader(b.String()),
		Header: http.Header{"Content-Type": {"text/html; charset=utf-8"}}}
}

func redirect(to string) web.Result {
	return &web.Response{Status: http.StatusSeeOther, Header: http.Header{"Location": {to}}}
}
