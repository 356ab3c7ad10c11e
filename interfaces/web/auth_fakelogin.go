package web

import (
	"errors"
	"html/template"
	"net/http"

	"net/url"

	"github.com/sessionauth/sessionauth/domain"
)

// FakeLoginForm is the optional power of a fake broker (package
// fakebroker): a login form at LoginPath that checks a configured user and
// sends the browser to the callback. AuthController serves it for every
// broker that has it.
type FakeLoginForm interface {
	LoginPath() string
	Authorize(username, password string, query url.Values) (callbackURL string, err error)
	Deny(query url.Values) (callbackURL string)
}

type fakeLogin struct {
	form   FakeLoginForm
	errors AuthErrorHandler
}

type fakeLoginPage struct {
	Action, Username, Error string
}

// ServeHTTP shows the form (GET) or checks it (POST). The flow's
// parameters (state, nonce, PKCE challenge) stay in the query string.
func (f *fakeLogin) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	page := fakeLoginPage{Action: f.form.LoginPath() + "?" + r.URL.RawQuery}
	if r.Method == http.MethodPost {
		if r.PostFormValue("cancel") != "" {
			http.Redirect(w, r, f.form.Deny(r.URL.Query()), http.StatusSeeOther)
			return
		}
		page.Username = r.PostFormValue("username")
		target, err := f.form.Authorize(page.Username, r.PostFormValue("password"), r.URL.Query())
		if err == nil {
			http.Redirect(w, r, target, http.StatusSeeOther)
			return
		}
		if !errors.Is(err, domain.ErrInvalidCredentials) {
			f.errors.ServeAuthError(w, r, err)
			return
		}
		page.Error = "Unknown user or wrong password."
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusUnauthorized)
		_ = fakeLoginTemplate.Execute(w, page)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = fakeLoginTemplate.Execute(w, page)
}

var fakeLoginTemplate = template.Must(template.New("fake-login").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Log in (development)</title></head>
<body><h1>Log in</h1><p>Development login: no real identity provider is involved.</p>
{{if .Error}}<p id="login-error" role="alert">{{.Error}}</p>{{end}}
<form method="post" action="{{.Action}}">
<p><label>User <input id="username" name="username" value="{{.Username}}" autocomplete="username" autofocus></label></p>
<p><label>Password <input id="password" name="password" type="password" autocomplete="current-password"></label></p>
<p><button id="login" type="submit">Log in</button> <button id="cancel" type="submit" name="cancel" value="1">Cancel</button></p>
</form></body></html>`))
