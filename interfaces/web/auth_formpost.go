package web

import (
	"crypto/rand"
	"encoding/base64"
	"html/template"
	"net/http"
	"net/url"

	"github.com/sessionauth/sessionauth/application"
)

// maxCallbackForm bounds the body of a form_post callback: a code, a
// state, an iss and an error description.
const maxCallbackForm = 64 << 10

// callbackFields are the authorization response parameters a form_post
// callback carries over its same-site resubmission; others are dropped.
var callbackFields = []string{"code", "state", "iss", "error", "error_description", "error_uri", "session_state"}

// resubmitField marks the form_post callback's resubmission from our own
// page: it is not sent on again.
const resubmitField = "sessionauth_resubmit"

// formPostCallback serves POST /auth/callback/{broker}, the authorization
// response of response_mode=form_post: the provider's page POSTs the code
// to us from its own site. A session cookie with SameSite=Lax (the
// default) or Strict does not come along on that cross-site POST, so when
// the request's session holds no login with that state, the answer is a
// page of ours that POSTs the same fields to the same URL at once: a
// same-site request, which carries the cookie. The callback then runs as
// for GET, with the same checks (state, PKCE, iss). The session cookie
// keeps its SameSite mode; nothing is stored before the checks.
func (c *AuthController) formPostCallback(w http.ResponseWriter, r *http.Request) {
	s := c.session(w, r)
	if s == nil {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxCallbackForm)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "the callback's form could not be read", http.StatusBadRequest)
		return
	}
	fields := url.Values{}
	for _, k := range callbackFields {
		if v := r.PostForm.Get(k); v != "" {
			fields.Set(k, v)
		}
	}
	broker := c.broker(r)
	if !c.auth.HasPendingLogin(s, broker, fields.Get("state")) && r.PostForm.Get(resubmitField) == "" {
		resubmit(w, r.URL.Path, fields)
		return
	}
	returnPath, err := c.auth.Callback(r.Context(), s, broker, fields)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	application.SetSessionMetadata(s, "userAgent", r.UserAgent())
	http.Redirect(w, r, returnPath, http.StatusSeeOther)
}

// resubmitView is the page that sends a form_post callback again, from
// our origin.
type resubmitView struct {
	Action string
	Fields url.Values
	Marker string
	Nonce  string
}

// resubmit answers with a page that POSTs fields to action at once (a
// script, allowed by its nonce alone) or on a click without scripts. It is
// not stored, not framed, and sends no Referer.
func resubmit(w http.ResponseWriter, action string, fields url.Values) {
	nonce := randomToken()
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Content-Security-Policy", "default-src 'none'; script-src 'nonce-"+nonce+"'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	w.WriteHeader(http.StatusOK)
	_ = resubmitTemplate.Execute(w, resubmitView{Action: action, Fields: fields, Marker: resubmitField, Nonce: nonce})
}

var resubmitTemplate = template.Must(template.New("resubmit").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Logging in…</title><style>` + PageStyle + `</style></head>
<body><main class="page"><div class="card"><form method="post" id="resubmit" action="{{.Action}}">
{{range $k, $vs := .Fields}}{{range $vs}}<input type="hidden" name="{{$k}}" value="{{.}}">{{end}}{{end}}
<input type="hidden" name="{{.Marker}}" value="1">
<p>Completing your login…</p><noscript><button type="submit">Continue</button></noscript></form></div></main>
<script nonce="{{.Nonce}}">document.getElementById("resubmit").submit()</script></body></html>`))

// randomToken is 128 random bits, URL-safe.
func randomToken() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // never fails
	return base64.RawURLEncoding.EncodeToString(b)
}
