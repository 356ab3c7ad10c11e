// Command example is a Flamingo v3 application whose sessions live in
// sessionauth's repositories: a visit counter and flash messages on
// Flamingo's own *web.Session. Run it with `make run-flamingo` and open
// http://127.0.0.1:3323; config/config.yml selects the backend (memory,
// or redis with flamingo.session.repository: redis and the redis keys).
package main

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"strings"

	"flamingo.me/dingo"
	"flamingo.me/flamingo/v3"
	"flamingo.me/flamingo/v3/core/healthcheck"
	fl "flamingo.me/flamingo/v3/framework/flamingo"
	"flamingo.me/flamingo/v3/framework/web"

	sessionauthflamingo "github.com/sessionauth/sessionauth/flamingo"
)

func main() {
	flamingo.App([]dingo.Module{
		new(sessionauthflamingo.Module), // before flamingo.SessionModule
		new(fl.SessionModule),
		new(healthcheck.Module),
	}, flamingo.WithRoutes(routes{}))
}

type routes struct{}

// Routes serves the counter page and the flash form.
func (routes) Routes(registry *web.RouterRegistry) {
	registry.MustRoute("/", "home")
	registry.HandleGet("home", home)
	registry.MustRoute("/flash", "flash")
	registry.HandlePost("flash", addFlash)
}

func home(_ context.Context, r *web.Request) web.Result {
	s := r.Session()
	n, _ := s.Load("visits")
	visits, _ := n.(int)
	s.Store("visits", visits+1)
	var page strings.Builder
	page.WriteString(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>sessionauth in Flamingo</title></head><body>`)
	page.WriteString(`<h1>sessionauth in Flamingo</h1>`)
	for _, f := range s.Flashes() {
		fmt.Fprintf(&page, `<p class="flash">%s</p>`, html.EscapeString(fmt.Sprint(f)))
	}
	fmt.Fprintf(&page, `<p id="visits">Visits in this session: <strong>%d</strong></p>`, visits+1)
	page.WriteString(`<form method="post" action="/flash"><input name="message"> <button>Add flash</button></form></body></html>`)
	return &web.Response{Status: http.StatusOK, Body: strings.NewReader(page.String()),
		Header: http.Header{"Content-Type": {"text/html; charset=utf-8"}}}
}

func addFlash(_ context.Context, r *web.Request) web.Result {
	if msg, err := r.Form1("message"); err == nil && msg != "" {
		r.Session().AddFlash(msg)
	}
	return &web.Response{Status: http.StatusSeeOther, Header: http.Header{"Location": {"/"}}}
}
