package main

import (
	"fmt"
	"html/template"
	"net/http"
	"sort"

	"flamingo.me/dingo"

	"github.com/sessionauth/sessionauth"
	"github.com/sessionauth/sessionauth/interfaces/healthcheck"
	"github.com/sessionauth/sessionauth/interfaces/web"
)

// developmentConfig runs on plain http://127.0.0.1, so the cookie is not
// marked Secure; everything else is the default.
var developmentConfig = map[string]interface{}{
	"flamingo.session.backend":       "memory",
	"flamingo.session.cookie.secure": false,
	"flamingo.session.secret":        "example-only-secret-change-me",
}

// NewApp builds the application's handler from a configuration file, or
// from developmentConfig when path is empty.
func NewApp(path string) (http.Handler, error) {
	cfg := developmentConfig
	if path != "" {
		var err error
		if cfg, err = sessionauth.LoadConfigFile(path); err != nil {
			return nil, err
		}
	}
	injector, err := dingo.NewInjector(sessionauth.ConfigModule(cfg), new(sessionauth.SessionModule))
	if err != nil {
		return nil, err
	}
	mw, err := injector.GetInstance(new(web.SessionMiddleware))
	if err != nil {
		return nil, err
	}
	health, err := injector.GetInstance(new(healthcheck.Handler))
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", home)
	mux.HandleFunc("POST /values", setValue)
	mux.HandleFunc("POST /flash", addFlash)
	mux.Handle("GET /health", health.(http.Handler))
	return mw.(*web.SessionMiddleware).Handler(mux), nil
}

var page = template.Must(template.New("home").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>sessionauth example</title>
<style>body{font-family:sans-serif;max-width:42em;margin:2em auto}.flash{background:#ffd;padding:.5em}</style></head>
<body><h1>sessionauth example</h1>
{{range .Flashes}}<p class="flash">{{.}}</p>{{end}}
<p id="visits">Visits in this session: <strong>{{.Visits}}</strong></p>
<h2>Values</h2><table>{{range .Values}}<tr><td>{{.Key}}</td><td>{{.Value}}</td></tr>{{end}}</table>
<form method="post" action="/values"><input name="key" placeholder="key"> <input name="value" placeholder="value"> <button>Store</button></form>
<form method="post" action="/flash"><input name="message" placeholder="flash message"> <button>Add flash</button></form>
<p><a href="/health">health</a></p>
</body></html>`))

type entry struct{ Key, Value string }

func home(w http.ResponseWriter, r *http.Request) {
	s := web.SessionFromContext(r.Context())
	visits, _ := s.Try("visits").(int)
	visits++
	s.Store("visits", visits)
	data := struct {
		Visits  int
		Flashes []interface{}
		Values  []entry
	}{Visits: visits, Flashes: s.Flashes()}
	for _, k := range s.Keys() {
		data.Values = append(data.Values, entry{k, fmt.Sprint(s.Try(k))})
	}
	sort.Slice(data.Values, func(i, j int) bool { return data.Values[i].Key < data.Values[j].Key })
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = page.Execute(w, data)
}

func setValue(w http.ResponseWriter, r *http.Request) {
	s := web.SessionFromContext(r.Context())
	if key := r.FormValue("key"); key != "" && key != "visits" {
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
