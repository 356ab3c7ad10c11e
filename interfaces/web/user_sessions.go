package web

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/sessionauth/sessionauth/application"
	"github.com/sessionauth/sessionauth/domain"
)

// UserSessionsController lets a logged-in user see and end their own
// sessions, on every instance that shares the session backend:
//
//	GET  /auth/sessions      JSON list: handle, current, broker, created, lastSeen, metadata
//	POST /auth/sessions/end  form handle=<handle> ends one session, all=1 every one
//	                         ("log out everywhere"), others=1 every other one
//	                         ("log out other devices"); then 303 to ?redirecturl=
//	                         (a same-origin path, "/" by default); none of
//	                         the three: 400
//
// Both need a login (401 otherwise) and run behind SessionMiddleware; the
// POST is refused across origins like logout (403). Failures answer the
// styled error page. Sessions are named by handles, never by their IDs.
// AuthController.Register serves these routes when
// AuthControllerOptions.Sessions is set (AuthModule and sessionauth.New
// set it): that is the way to serve them.
type UserSessionsController struct {
	sessions *application.UserSessions
	log      *slog.Logger
	pages    AuthErrorHandler
}

// NewUserSessionsController returns the controller; logger nil means
// slog.Default().
func NewUserSessionsController(sessions *application.UserSessions, logger *slog.Logger) *UserSessionsController {
	if logger == nil {
		logger = slog.Default()
	}
	return &UserSessionsController{sessions: sessions, log: logger, pages: AuthErrorPage}
}

// Register adds the routes to mux, each unless mux serves it already (so
// that registering this controller beside AuthController.Register, which
// serves them too, does not panic).
func (c *UserSessionsController) Register(mux *http.ServeMux) {
	if !registered(mux, "GET", "/auth/sessions") {
		mux.HandleFunc("GET /auth/sessions", c.list)
	}
	if !registered(mux, "POST", "/auth/sessions/end") {
		mux.Handle("POST /auth/sessions/end", refuseCrossOrigin(c.log, c.pages).Handler(http.HandlerFunc(c.end)))
	}
}

// registered reports whether mux has the pattern "method path".
func registered(mux *http.ServeMux, method, path string) bool {
	_, pattern := mux.Handler(&http.Request{Method: method, URL: &url.URL{Path: path}})
	return pattern == method+" "+path
}

type sessionJSON struct {
	Handle   string            `json:"handle"`
	Current  bool              `json:"current"`
	Broker   string            `json:"broker"`
	Created  time.Time         `json:"created"`
	LastSeen time.Time         `json:"lastSeen"`
	Metadata map[string]string `json:"metadata,omitempty"`
}

func (c *UserSessionsController) list(w http.ResponseWriter, r *http.Request) {
	s := c.session(w, r)
	if s == nil {
		return
	}
	list, err := c.sessions.List(r.Context(), s)
	if err != nil {
		c.failed(w, r, err)
		return
	}
	out := make([]sessionJSON, 0, len(list))
	for _, s := range list {
		out = append(out, sessionJSON{s.Handle, s.Current, s.Broker, s.Created, s.LastSeen, s.Metadata})
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(out)
}

func (c *UserSessionsController) end(w http.ResponseWriter, r *http.Request) {
	s := c.session(w, r)
	if s == nil {
		return
	}
	var err error
	switch handle := r.PostFormValue("handle"); {
	case r.PostFormValue("all") != "":
		_, err = c.sessions.EndAll(r.Context(), s, false)
	case r.PostFormValue("others") != "":
		_, err = c.sessions.EndAll(r.Context(), s, true)
	case handle == "":
		writeErrorPage(w, http.StatusBadRequest, authErrorView{Title: "No session named",
			Message: "Say which sessions to end: handle=<the session's handle>, all=1 for every one or others=1 for every other one."})
		return
	default:
		err = c.sessions.End(r.Context(), s, handle)
	}
	if err != nil {
		c.failed(w, r, err)
		return
	}
	http.Redirect(w, r, application.SanitizeReturnPath(r.URL.Query().Get("redirecturl")), http.StatusSeeOther)
}

// session returns the request's session, or answers 500 when the
// controller does not run behind SessionMiddleware.
func (c *UserSessionsController) session(w http.ResponseWriter, r *http.Request) *Session {
	w.Header().Set("Cache-Control", "no-store")
	s := SessionFromContext(r.Context())
	if s == nil {
		c.log.ErrorContext(r.Context(), "user sessions controller: no session in the request; serve it behind SessionMiddleware", "path", r.URL.Path)
		http.Error(w, "session middleware missing", http.StatusInternalServerError)
	}
	return s
}

func (c *UserSessionsController) failed(w http.ResponseWriter, r *http.Request, err error) {
	status := http.StatusServiceUnavailable
	switch {
	case errors.Is(err, domain.ErrNotLoggedIn):
		status = http.StatusUnauthorized
	case errors.Is(err, application.ErrUnknownSession):
		status = http.StatusNotFound
	case errors.Is(err, application.ErrNoSessionIndex):
		status = http.StatusNotImplemented
	}
	if status >= 500 {
		c.log.ErrorContext(r.Context(), "user sessions controller: request failed", "path", r.URL.Path, "status", status, "error", err)
	}
	writeErrorPage(w, status, sessionsErrorViews[status])
}

// sessionsErrorViews say what went wrong, by status.
var sessionsErrorViews = map[int]authErrorView{
	http.StatusUnauthorized:       {Title: "Not logged in", Message: "Log in to see and end your sessions."},
	http.StatusNotFound:           {Title: "Unknown session", Message: "None of your sessions has that handle; it may have ended already."},
	http.StatusNotImplemented:     {Title: "Sessions not listed", Message: "This site's session backend keeps no index of a user's sessions."},
	http.StatusServiceUnavailable: {Title: "Sessions unavailable", Message: "Your sessions cannot be read or ended now. Please try again in a moment."},
}
