package web

import (
	"errors"
	"html/template"
	"net/http"
	"net/url"

	"github.com/sessionauth/sessionauth/domain"
)

// FakeLoginForm is the optional power of a fake broker (package
// fakebroker): the login form its authorization URL points at, served by
// AuthController at LoginPath. The flow's parameters (state, nonce, PKCE
// challenge) travel in the form's query string.
type FakeLoginForm interface {
	// LoginPath is the path of the form, starting with "/".
	LoginPath() string
	// Authorize checks username and password and returns the callback URL
	// with a fresh code; wrong credentials yield an error wrapping
	// domain.ErrInvalidCredentials.
	Authorize(username, password string, query url.Values) (callbackURL string, err error)
	// Deny returns the callback URL for a cancelled login
	// (error=access_denied).
	Deny(query url.Values) (callbackURL string)
}

type fakeLogin struct {
	form FakeLoginForm
}

type fakeLoginView struct {
	Action, Username, Error string
	Demo                    []demoAccount
}

// DemoCredentials is an optional power of a FakeLoginForm: the accounts
// its form shows, so that whoever tries the application sees how to log
// in. usernames[i] goes with passwords[i].
type DemoCredentials interface {
	DemoCredentials() (usernames, passwords []string)
}

type demoAccount struct{ Username, Password string }

// demoAccounts lists the form's demo accounts, when it has any.
func demoAccounts(form FakeLoginForm) []demoAccount {
	d, ok := form.(DemoCredentials)
	if !ok {
		return nil
	}
	users, passwords := d.DemoCredentials()
	out := make([]demoAccount, 0, len(users))
	for i := range min(len(users), len(passwords)) {
		out = append(out, demoAccount{users[i], passwords[i]})
	}
	return out
}

// ServeHTTP shows the form (GET) or checks it (POST): the right password
// or the cancel button redirect to the callback; a wrong password shows
// the form again with 401; a form opened without a started login shows
// it with 400.
func (f *fakeLogin) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	v := fakeLoginView{Action: f.form.LoginPath(), Demo: demoAccounts(f.form)}
	if r.URL.RawQuery != "" {
		v.Action += "?" + r.URL.RawQuery
	}
	if r.Method != http.MethodPost {
		f.render(w, http.StatusOK, v)
		return
	}
	if r.PostFormValue("cancel") != "" {
		http.Redirect(w, r, f.form.Deny(r.URL.Query()), http.StatusSeeOther)
		return
	}
	v.Username = r.PostFormValue("username")
	target, err := f.form.Authorize(v.Username, r.PostFormValue("password"), r.URL.Query())
	switch {
	case err == nil:
		http.Redirect(w, r, target, http.StatusSeeOther)
	case errors.Is(err, domain.ErrInvalidCredentials):
		v.Error = "Unknown user or wrong password."
		f.render(w, http.StatusUnauthorized, v)
	default:
		v.Error = "This login was not started properly. Start it again from the application."
		f.render(w, http.StatusBadRequest, v)
	}
}

func (f *fakeLogin) render(w http.ResponseWriter, status int, v fakeLoginView) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = fakeLoginTemplate.Execute(w, v)
}

var fakeLoginTemplate = template.Must(template.New("fake-login").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Log in (development)</title><style>` + PageStyle + `</style></head>
<body><main class="page"><div class="card"><h1>Log in</h1>
<p class="muted">Development login: no real identity provider is involved.</p>
{{if .Demo}}<p id="demo-credentials" class="flash">Demo accounts: {{range $i, $u := .Demo}}{{if $i}}, {{end}}<code>{{$u.Username}}</code> / <code>{{$u.Password}}</code>{{end}}</p>{{end}}
{{if .Error}}<p id="login-error" class="error" role="alert">{{.Error}}</p>{{end}}
<form method="post" action="{{.Action}}">
<label for="username">Username</label><input id="username" name="username" value="{{.Username}}" autocomplete="username" autofocus>
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password">
<p><button id="login" type="submit">Log in</button> <button id="cancel" class="secondary" type="submit" name="cancel" value="1" formnovalidate>Cancel</button></p>
</form></div></main></body></html>`))
