package main

import (
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"sort"
	"strings"

	"github.com/sessionauth/sessionauth/application"
	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/interfaces/web"
)

var layout = template.Must(template.New("layout").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>sessionauth example</title><style>` + web.PageStyle + `</style></head>
<body><header class="bar"><a class="brand" href="/">sessionauth example</a><a href="/">Home</a><a href="/account">Account</a><a href="/sessions">Your sessions</a><a href="/health">Health</a>
<span id="user">{{if .User.Sub}}<strong id="user-name">{{.User.Name}}</strong>
<form class="inline" method="post" action="/auth/logout"><button id="logout" class="secondary">Log out</button></form>
{{else}}<span class="muted">Not logged in.</span> {{range .Brokers}}<a class="login button" id="login-{{.}}" href="/auth/login/{{.}}?redirecturl=/account">Log in with {{.}}</a> {{end}}{{end}}</span></header>
<main class="page">{{range .Flashes}}<p class="flash">{{.}}</p>{{end}}
{{template "content" .}}</main>
</body></html>`))

var home = template.Must(template.Must(layout.Clone()).Parse(`{{define "content"}}
<div class="card"><p id="visits">Visits in this session: <strong>{{.Visits}}</strong></p></div>
<div class="card"><h2>Values</h2>{{if .Values}}<table>{{range .Values}}<tr><td>{{.Key}}</td><td>{{.Value}}</td></tr>{{end}}</table>{{else}}<p class="muted">Nothing stored yet.</p>{{end}}
<form method="post" action="/values"><label for="key">Key</label><input id="key" name="key"><label for="value">Value</label><input id="value" name="value"><p><button>Store</button></p></form></div>
<div class="card"><h2>Flash messages</h2><form method="post" action="/flash"><label for="message">Message, shown once on the next page</label><input id="message" name="message"><p><button>Add flash</button></p></form></div>
{{end}}`))

var account = template.Must(template.Must(layout.Clone()).Parse(`{{define "content"}}
<div class="card"><h1 id="account-name">{{.User.Name}}</h1><p class="muted" id="account-email">{{.User.Email}}</p></div>
<div class="card"><h2>ID token</h2><table class="claims" id="claims">{{range .Claims}}<tr><th>{{.Key}}</th><td>{{.Value}}</td></tr>{{end}}</table></div>
<div class="card"><h2>A call with the access token</h2><p class="muted">GET /api/profile through AuthManager.HTTPClient answered:</p><pre id="api">{{.API}}</pre></div>
{{end}}`))

type entry struct{ Key, Value string }

type page struct {
	User     *domain.User
	Brokers  []string
	Flashes  []any
	Visits   int
	Values   []entry
	Claims   []entry
	API      string
	Sessions []application.SessionInfo // the "Your sessions" page
}

func (a *app) page(r *http.Request, s *web.Session) page {
	return page{User: a.users.GetUser(r.Context(), s), Brokers: a.auth.BrokerNames(), Flashes: s.Flashes()}
}

func (a *app) home(w http.ResponseWriter, r *http.Request) {
	s := web.SessionFromContext(r.Context())
	visits, _ := s.Try("visits").(int)
	s.Store("visits", visits+1)
	p := a.page(r, s)
	p.Visits = visits + 1
	for _, k := range s.Keys() {
		if !strings.HasPrefix(k, "sessionauth.") && k != "_flash" {
			p.Values = append(p.Values, entry{k, fmt.Sprint(s.Try(k))})
		}
	}
	sort.Slice(p.Values, func(i, j int) bool { return p.Values[i].Key < p.Values[j].Key })
	render(w, home, p)
}

// account shows the ID token's claims and calls the example's own
// protected API with the user's access token.
func (a *app) account(w http.ResponseWriter, r *http.Request) {
	s := web.SessionFromContext(r.Context())
	p := a.page(r, s)
	if tok, err := a.auth.IDToken(r.Context(), s); err == nil {
		var claims map[string]any
		_ = tok.Claims(&claims)
		p.Claims = claimRows(claims)
	}
	p.API = a.callAPI(r, s)
	render(w, account, p)
}

func (a *app) callAPI(r *http.Request, s *web.Session) string {
	client, err := a.auth.HTTPClient(r.Context(), s)
	if err != nil {
		return "no client: " + err.Error()
	}
	resp, err := client.Get("http://" + r.Host + "/api/profile")
	if err != nil {
		return "request failed: " + err.Error()
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.Status + "\n" + string(body)
}

// introspector is the fake broker's token check (a real provider offers
// token introspection or JWT access tokens instead).
type introspector interface {
	Introspect(accessToken string) (domain.User, bool)
}

// profile is a small API protected by a bearer token.
func (a *app) profile(w http.ResponseWriter, r *http.Request) {
	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	for _, name := range a.auth.BrokerNames() {
		b, _ := a.auth.Broker(name)
		if in, canCheck := b.(introspector); ok && canCheck {
			if u, valid := in.Introspect(token); valid {
				w.Header().Set("Content-Type", "application/json")
				_ = json.NewEncoder(w).Encode(map[string]string{"sub": u.Sub, "name": u.Name, "broker": name})
				return
			}
		}
	}
	w.Header().Set("WWW-Authenticate", "Bearer")
	http.Error(w, "a valid access token is required", http.StatusUnauthorized)
}

func setValue(w http.ResponseWriter, r *http.Request) {
	s := web.SessionFromContext(r.Context())
	if key := r.FormValue("key"); key != "" && key != "visits" && !strings.HasPrefix(key, "sessionauth.") {
		s.Store(key, r.FormValue("value"))
		s.AddFlash("stored " + key)
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

func addFlash(w http.ResponseWriter, r *http.Request) {
	if msg := r.FormValue("message"); msg != "" {
		web.SessionFromContext(r.Context()).AddFlash(msg)
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

func render(w http.ResponseWriter, t *template.Template, p page) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := t.Execute(w, p); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
	}
}
