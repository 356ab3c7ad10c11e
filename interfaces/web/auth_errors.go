package web

import (
	"errors"
	"html/template"
	"net/http"
	"net/url"

	"github.com/sessionauth/sessionauth/application"
	"github.com/sessionauth/sessionauth/domain"
)

// AuthErrorHandler renders a failed login, callback or logout. It must
// answer with a page, never with a redirect into another login, so that a
// failing provider cannot cause a loop. Replace AuthErrorPage through
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

// AuthErrorPage is the error handler AuthController uses unless told
// otherwise: a short HTML page with the status of AuthErrorStatus that
// says what went wrong, shows a provider's error code and description
// (escaped), and links to a fresh login of the same broker. It never
// redirects.
var AuthErrorPage AuthErrorHandler = AuthErrorHandlerFunc(serveAuthErrorPage)

// AuthErrorStatus is the HTTP status for a failed auth request; never 500:
//
//	unknown broker, front-channel logout disabled    404
//	no session index for a front-channel logout      501
//	cross-origin request (logout, login form, ...)   403
//	login not recent or strong enough (max_age, acr) 403
//	provider error (access_denied, invalid_grant...) 401
//	expired, replayed, forged or unknown state       400
//	login start with a bad prompt, max_age, acr      400
//	answer that fails verification (iss, ID token)   400
//	provider unreachable or failing (server_error)   502
func AuthErrorStatus(err error) int {
	var pe *domain.ProviderError
	switch {
	case errors.Is(err, domain.ErrUnknownBroker), errors.Is(err, domain.ErrFrontChannelDisabled):
		return http.StatusNotFound
	case errors.Is(err, application.ErrNoSessionIndex):
		return http.StatusNotImplemented
	case errors.Is(err, domain.ErrCrossOrigin), errors.Is(err, domain.ErrInsufficientAuthentication):
		return http.StatusForbidden
	case errors.As(err, &pe):
		if pe.Code == "server_error" || pe.Code == "temporarily_unavailable" {
			return http.StatusBadGateway
		}
		return http.StatusUnauthorized
	case errors.Is(err, domain.ErrInvalidState), errors.Is(err, domain.ErrIssuerMismatch),
		errors.Is(err, domain.ErrInvalidIDToken), errors.Is(err, domain.ErrNonceMismatch),
		errors.Is(err, domain.ErrInvalidCode), errors.Is(err, domain.ErrInvalidCredentials),
		errors.Is(err, domain.ErrInvalidFrontChannelRequest), errors.Is(err, domain.ErrInvalidLogoutState),
		errors.Is(err, domain.ErrInvalidLoginRequest):
		return http.StatusBadRequest
	}
	// ErrProviderUnavailable, and what the IdentityProvider contract calls
	// transient: the provider did not answer, or not as expected.
	return http.StatusBadGateway
}

type authErrorView struct {
	Title, Message string
	Code, Detail   string
	Retry          string
}

func serveAuthErrorPage(w http.ResponseWriter, r *http.Request, err error) {
	status := AuthErrorStatus(err)
	v := describeAuthError(err, status)
	if status != http.StatusNotFound && (status != http.StatusForbidden || errors.Is(err, domain.ErrInsufficientAuthentication)) {
		v.Retry = "/auth/login"
		if b := r.PathValue("broker"); b != "" {
			v.Retry += "/" + url.PathEscape(b)
		}
	}
	writeErrorPage(w, status, v)
}

// writeErrorPage answers status with the styled page of v.
func writeErrorPage(w http.ResponseWriter, status int, v authErrorView) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = authErrorTemplate.Execute(w, v)
}

func describeAuthError(err error, status int) authErrorView {
	var pe *domain.ProviderError
	hasCode := errors.As(err, &pe)
	var v authErrorView
	switch {
	case errors.Is(err, domain.ErrInsufficientAuthentication):
		v = authErrorView{Title: "Sign-in not confirmed",
			Message: "This page needs a more recent or stronger sign-in, and the identity provider did not confirm one. Nothing was changed: if you were signed in before, you still are, as before."}
	case errors.Is(err, domain.ErrInvalidLoginRequest):
		v = authErrorView{Title: "Login not started",
			Message: "The login link asks the identity provider for something it may not: prompt must be login or none, max_age whole seconds, acr_values a few short values."}
	case status == http.StatusNotFound:
		v = authErrorView{Title: "Unknown login", Message: "There is no login of that name."}
	case status == http.StatusForbidden:
		v = authErrorView{Title: "Request refused",
			Message: "This form was sent from another site, or by a browser that does not say where it came from. Go back to this site's page and send it again."}
	case errors.Is(err, domain.ErrInvalidLogoutState):
		v = authErrorView{Title: "Logout not recognised",
			Message: "You are logged out here, but this return from the identity provider does not belong to a logout this browser started."}
	case errors.Is(err, domain.ErrInvalidFrontChannelRequest), errors.Is(err, application.ErrNoSessionIndex):
		v = authErrorView{Title: "Logout refused", Message: "This logout request could not be carried out."}
	case errors.Is(err, domain.ErrInvalidState):
		v = authErrorView{Title: "Login expired or invalid",
			Message: "This login has expired, was used already or was started in another browser. Please start again."}
	case status == http.StatusBadGateway:
		v = authErrorView{Title: "Login unavailable",
			Message: "The identity provider cannot be reached or did not answer as expected. Please try again in a moment."}
	case hasCode:
		v = authErrorView{Title: "Login not completed", Message: "The identity provider did not log you in."}
	default:
		v = authErrorView{Title: "Login failed",
			Message: "The answer of the identity provider could not be verified. Please start again."}
	}
	if hasCode {
		v.Code, v.Detail = pe.Code, pe.Description
	}
	return v
}

var authErrorTemplate = template.Must(template.New("auth-error").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>{{.Title}}</title><style>` + PageStyle + `</style></head>
<body><main class="page"><div class="card"><h1>{{.Title}}</h1><p id="error-message">{{.Message}}</p>
{{if .Code}}<p class="error">Provider error: <code id="error-code">{{.Code}}</code>{{if .Detail}} — <span id="error-description">{{.Detail}}</span>{{end}}</p>{{end}}
<p>{{if .Retry}}<a class="button" id="login-again" href="{{.Retry}}">Start a new login</a> {{end}}<a href="/">Home</a></p>
</div></main></body></html>`))
