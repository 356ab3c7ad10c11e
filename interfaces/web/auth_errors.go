package web

import (
	"errors"
	"html/template"
	"net/http"
	"net/url"

	"github.com/sessionauth/sessionauth/domain"
)

// AuthErrorHandler renders a failed login. The default shows a short page
// that says what went wrong and offers a fresh login; replace it through
// AuthControllerOptions.ErrorHandler.
type AuthErrorHandler interface {
	ServeAuthError(w http.ResponseWriter, r *http.Request, err error)
}

// AuthErrorHandlerFunc adapts a function to AuthErrorHandler.
type AuthErrorHandlerFunc func(w http.ResponseWriter, r *http.Request, err error)

// ServeAuthError calls f.
func (f AuthErrorHandlerFunc) ServeAuthError(w http.ResponseWriter, r *http.Request, err error) {
	f(w, r, err)
}

// DefaultAuthErrorHandler answers with a status that fits the error (never
// 500) and a page without any automatic redirect, so a failing provider
// cannot cause a loop:
//
//	unknown broker                         404
//	provider error (access_denied, ...)    401, with the provider's code and description
//	expired, replayed or unknown state     400, with a link to start again
//	response that fails verification       400
//	provider unreachable                   502
var DefaultAuthErrorHandler AuthErrorHandler = AuthErrorHandlerFunc(defaultAuthError)

type authErrorPage struct {
	Status       int
	Title        string
	Message      string
	Code, Detail string
	Retry        string
}

func defaultAuthError(w http.ResponseWriter, r *http.Request, err error) {
	p := describeAuthError(err)
	if p.Status != http.StatusNotFound {
		p.Retry = "/auth/login"
		if b := r.PathValue("broker"); b != "" {
			p.Retry += "/" + url.PathEscape(b)
		}
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(p.Status)
	_ = authErrorTemplate.Execute(w, p)
}

func describeAuthError(err error) authErrorPage {
	var pe *domain.ProviderError
	switch {
	case errors.Is(err, domain.ErrUnknownBroker):
		return authErrorPage{Status: http.StatusNotFound, Title: "Unknown login", Message: "There is no login of that name."}
	case errors.As(err, &pe):
		return authErrorPage{Status: http.StatusUnauthorized, Title: "Login not completed",
			Message: "The identity provider did not log you in.", Code: pe.Code, Detail: pe.Description}
	case errors.Is(err, domain.ErrInvalidState):
		return authErrorPage{Status: http.StatusBadRequest, Title: "Login expired",
			Message: "This login has expired, was already used or was started elsewhere. Please start again."}
	case errors.Is(err, domain.ErrProviderUnavailable):
		return authErrorPage{Status: http.StatusBadGateway, Title: "Login unavailable",
			Message: "The identity provider cannot be reached right now. Please try again in a moment."}
	}
	return authErrorPage{Status: http.StatusBadRequest, Title: "Login failed",
		Message: "The answer of the identity provider could not be verified. Please start again."}
}

var authErrorTemplate = template.Must(template.New("auth-error").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Title}}</title></head>
<body><h1>{{.Title}}</h1><p>{{.Message}}</p>
{{if .Code}}<p>Provider error: <code id="error-code">{{.Code}}</code>{{if .Detail}} — <span id="error-description">{{.Detail}}</span>{{end}}</p>{{end}}
{{if .Retry}}<p><a href="{{.Retry}}">Log in again</a></p>{{end}}
<p><a href="/">Home</a></p></body></html>`))
