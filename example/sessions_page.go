package main

import (
	"html/template"
	"net/http"

	"github.com/sessionauth/sessionauth/application"
	"github.com/sessionauth/sessionauth/interfaces/web"
)

var sessionsTemplate = template.Must(template.Must(layout.Clone()).Parse(`{{define "content"}}<div class="card">
<h2>Your sessions</h2>
<table id="sessions"><tr><th>Device</th><th>Logged in</th><th>Last seen</th><th></th></tr>
{{range .Sessions}}<tr class="{{if .Current}}current{{else}}other{{end}}">
<td>{{index .Metadata "userAgent"}}{{if .Current}} <strong>(this device)</strong>{{end}}</td>
<td>{{.Created.Format "2006-01-02 15:04"}}</td><td>{{.LastSeen.Format "2006-01-02 15:04"}}</td>
<td><form class="inline" method="post" action="/auth/sessions/end?redirecturl=/sessions">
<input type="hidden" name="handle" value="{{.Handle}}"><button class="end">{{if .Current}}Log out{{else}}Revoke{{end}}</button></form></td></tr>
{{end}}</table>
<form method="post" action="/auth/sessions/end?redirecturl=/sessions"><input type="hidden" name="others" value="1"><button id="end-others">Log out other devices</button></form>
<form method="post" action="/auth/sessions/end?redirecturl=/"><input type="hidden" name="all" value="1"><button id="end-all">Log out everywhere</button></form>
</div>{{end}}`))

// sessionsPage is "Your sessions": the logged-in user's sessions, each
// with a button that ends it; the buttons post to /auth/sessions/end,
// which sessionauth serves.
type sessionsPage struct {
	app      *app
	sessions *application.UserSessions
}

func (p *sessionsPage) serve(w http.ResponseWriter, r *http.Request) {
	s := web.SessionFromContext(r.Context())
	list, err := p.sessions.List(r.Context(), s)
	if err != nil {
		http.Error(w, "your sessions cannot be listed now", http.StatusServiceUnavailable)
		return
	}
	page := p.app.page(r, s)
	page.Sessions = list
	render(w, sessionsTemplate, page)
}
