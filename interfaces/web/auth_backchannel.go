package web

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"

	"github.com/sessionauth/sessionauth/application"
	"github.com/sessionauth/sessionauth/domain"
)

// maxLogoutRequest bounds the body of a back-channel logout request; a
// logout token is a few kilobytes at most.
const maxLogoutRequest = 64 << 10

// backChannel serves POST /auth/backchannel/{broker}, OpenID Connect
// Back-Channel Logout 1.0: the provider posts a logout_token and every
// session it names ends. 200 on success, 400 with a JSON error for a bad,
// replayed or missing token; always Cache-Control: no-store.
func (c *AuthController) backChannel(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	r.Body = http.MaxBytesReader(w, r.Body, maxLogoutRequest)
	raw := r.PostFormValue("logout_token")
	broker := r.PathValue("broker")
	if raw == "" {
		c.backChannelFailed(w, r, http.StatusBadRequest, errors.New("no logout_token in the form"))
		return
	}
	if _, err := c.auth.BackChannelLogout(r.Context(), broker, raw); err != nil {
		c.backChannelFailed(w, r, backChannelStatus(err), err)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// backChannelStatus is 400 for what the request got wrong, 501 when the
// application cannot find sessions, 503 when the provider or the backend
// failed (the provider may try again).
func backChannelStatus(err error) int {
	switch {
	case errors.Is(err, domain.ErrInvalidLogoutToken), errors.Is(err, domain.ErrUnknownBroker),
		errors.Is(err, application.ErrBackChannelUnsupported):
		return http.StatusBadRequest
	case errors.Is(err, application.ErrNoSessionIndex):
		return http.StatusNotImplemented
	}
	return http.StatusServiceUnavailable
}

func (c *AuthController) backChannelFailed(w http.ResponseWriter, r *http.Request, status int, err error) {
	level := slog.LevelWarn
	if status >= 500 {
		level = slog.LevelError
	}
	c.opts.Logger.Log(r.Context(), level, "auth controller: back-channel logout refused", "path", r.URL.Path, "status", status, "error", err)
	code := "invalid_request"
	if status >= 500 {
		code = "server_error"
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": code})
}
