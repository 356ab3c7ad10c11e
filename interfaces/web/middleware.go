package web

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/sessionauth/sessionauth/domain"
)

// SessionFailureMode says what SessionMiddleware does when the session
// backend fails while loading a visitor's session.
type SessionFailureMode int

const (
	// FailClosed answers 503 Service Unavailable and does not call the
	// handler: nobody is served without their session.
	FailClosed SessionFailureMode = iota
	// ContinueFresh calls the handler with a fresh, transient session. It is
	// never saved and sets no cookie, so the visitor's stored session
	// survives the outage untouched; what the handler puts in it is lost
	// (and logged).
	ContinueFresh
)

// SessionOptions configure SessionMiddleware. A zero field means its
// default.
type SessionOptions struct {
	// Name is the session cookie's name; "flamingo" by default.
	Name string
	// MaxAge is how long a session lives after the last save; it should be
	// the repository's maximum age. It is also the cookie's Max-Age.
	// 30 days by default.
	MaxAge time.Duration
	// MaxLifetime, when positive, is the absolute lifetime of a session:
	// it ends that long after its first save whatever its activity
	// (domain.Session.EndBy), also across the new ID at login. A session
	// stored without an end gets one at its next save. Zero: none.
	MaxLifetime time.Duration
	// Secure restricts the cookie to HTTPS.
	Secure bool
	// Path is the cookie's path; "/" by default.
	Path string
	// Domain is the cookie's domain; none (the host only) by default.
	Domain string
	// SameSite is the cookie's SameSite mode; Lax by default.
	SameSite http.SameSite
	// FailureMode says what happens when the backend fails on load.
	FailureMode SessionFailureMode
	// Logger receives failures; slog.Default() by default.
	Logger *slog.Logger
}

// SessionMiddleware gives every request its visitor's session: it loads the
// session named by the signed cookie, puts it in the request context (see
// SessionFromContext) and saves it when the handler is done, before the
// response header is written. The cookie is always HttpOnly.
//
// A request without a valid cookie, or whose session is gone, gets a fresh
// session; it is saved, and the cookie set, only once something is stored
// in it, so visitors that store nothing (bots) cost no storage. A loaded
// session is saved when it changed, or when its expiry has run down by a
// tenth of MaxAge, so that active visitors stay logged in while read-only
// requests mostly write nothing. After Destroy the cookie is expired; after
// Regenerate it carries the new ID.
//
// Data is never lost silently: when the save fails the visitor gets a 500
// (the session is too large or holds a value that cannot be encoded) or a
// 503 (the backend failed) instead of the handler's response, and the cause
// is logged. A session that vanished meanwhile (a parallel request
// regenerated or destroyed it) is logged as a warning and the response goes
// on. Changes made after the response header was written are not saved and
// are logged. A handler that panics saves nothing. Hijack saves before it
// hands over the connection; the cookie is then in the header map for the
// hijacker to send.
type SessionMiddleware struct {
	repo         domain.SessionRepository
	cookies      domain.SessionCookies // repo, when it keeps sessions in cookies
	signer       domain.CookieSigner
	opts         SessionOptions
	log          *slog.Logger
	refreshBelow time.Duration // save a loaded session whose expiry is nearer than this
	cookieMaxAge int           // seconds
}

// ErrSessionSaveFailed is returned by the response writer's Write, Flush,
// ReadFrom and Hijack once the session could not be saved: the middleware
// has answered with an error status, and the handler's output is discarded.
var ErrSessionSaveFailed = errors.New("session middleware: the session could not be saved; the response was replaced by an error")

// NewSessionMiddleware returns a middleware that loads sessions from repo,
// naming them in cookies signed by signer. A repo that keeps sessions in
// the visitor's cookies (domain.SessionCookies) is handed the request's
// cookies instead and its cookies are sent; signer is then not used.
func NewSessionMiddleware(repo domain.SessionRepository, signer domain.CookieSigner, opts SessionOptions) *SessionMiddleware {
	if opts.Name == "" {
		opts.Name = "flamingo"
	}
	if opts.MaxAge <= 0 {
		opts.MaxAge = 30 * 24 * time.Hour
	}
	if opts.Path == "" {
		opts.Path = "/"
	}
	if opts.SameSite == 0 {
		opts.SameSite = http.SameSiteLaxMode
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	cookies, _ := repo.(domain.SessionCookies)
	return &SessionMiddleware{
		repo: repo, cookies: cookies, signer: signer, opts: opts, log: opts.Logger,
		refreshBelow: opts.MaxAge * 9 / 10, cookieMaxAge: int(opts.MaxAge / time.Second),
	}
}

// Handler wraps next with session handling.
func (m *SessionMiddleware) Handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, transient, err := m.load(r)
		if err != nil {
			m.logFailure(r, err)
			answerError(w, http.StatusServiceUnavailable)
			return
		}
		sw := &sessionWriter{w: w, r: r, m: m, session: s, transient: transient}
		sw.ctx = sessionContext{Context: r.Context(), session: s, m: m} // ContextWithSession, in sw's allocation
		next.ServeHTTP(sw.exposed(), r.WithContext(&sw.ctx))
		sw.finish()
	})
}

// load returns the request's session. transient is true for a stand-in
// session after a backend failure in ContinueFresh mode; err is set after a
// backend failure in FailClosed mode.
func (m *SessionMiddleware) load(r *http.Request) (s *Session, transient bool, err error) {
	if m.cookies != nil {
		s, err = m.cookies.LoadCookies(r.Context(), r.Cookies())
	} else {
		id, ok := m.cookieID(r)
		if !ok {
			return domain.NewSession(), false, nil
		}
		s, err = m.repo.Load(r.Context(), id)
	}
	switch {
	case err == nil:
		return s, false, nil
	case errors.Is(err, domain.ErrSessionNotFound):
		return domain.NewSession(), false, nil
	case m.opts.FailureMode == ContinueFresh:
		m.logFailure(r, fmt.Errorf("session middleware: load: %w (continuing with a transient session)", err))
		return domain.NewSession(), true, nil
	}
	return nil, false, fmt.Errorf("session middleware: load: %w", err)
}

// cookieID returns the session ID from the first session cookie that
// verifies. Browsers send the cookie of the most specific path first.
func (m *SessionMiddleware) cookieID(r *http.Request) (string, bool) {
	for _, c := range r.CookiesNamed(m.opts.Name) {
		id, err := m.signer.Verify(c.Value)
		if err == nil {
			return id, true
		}
		m.log.LogAttrs(r.Context(), slog.LevelDebug, "session middleware: ignoring session cookie", slog.Any("error", err))
	}
	return "", false
}

// save stores s if needed and sets or expires the cookie in h. On error it
// also returns the status to answer with, or 0 when the response may go on.
func (m *SessionMiddleware) save(ctx context.Context, h http.Header, s *Session, r *http.Request) (int, error) {
	if m.opts.MaxLifetime > 0 && s.EndsAt().IsZero() && (!s.IsNew() || len(s.Keys()) > 0) {
		s.EndBy(time.Now().Add(m.opts.MaxLifetime))
	}
	if s.IsNew() {
		if s.Destroyed() {
			m.expireCookie(h)
			return 0, nil
		}
		if len(s.Keys()) == 0 {
			return 0, nil
		}
	} else if !s.Modified() && time.Until(s.ExpiresAt()) >= m.refreshBelow {
		return 0, nil
	}
	// A client that hangs up does not cancel the save: the handler's other
	// effects happened, so its session changes must persist too.
	if m.cookies != nil {
		return m.saveCookies(context.WithoutCancel(ctx), h, s, r)
	}
	if err := m.repo.Save(context.WithoutCancel(ctx), s); err != nil {
		return saveFailureStatus(err), fmt.Errorf("session middleware: save: %w", err)
	}
	if s.Destroyed() {
		m.expireCookie(h)
		return 0, nil
	}
	return m.setCookie(h, s.ID())
}

// saveFailureStatus maps a failed save to the status the visitor gets: 0
// (go on) for a session that vanished, 500 for a session that cannot be
// stored, 503 for a backend failure.
func saveFailureStatus(err error) int {
	switch {
	case errors.Is(err, domain.ErrSessionNotFound):
		return 0
	case errors.Is(err, domain.ErrSessionTooLarge), errors.Is(err, domain.ErrValueNotEncodable):
		return http.StatusInternalServerError
	}
	return http.StatusServiceUnavailable
}

// saveCookies saves s through a repository that keeps it in cookies and
// adds them to h.
func (m *SessionMiddleware) saveCookies(ctx context.Context, h http.Header, s *Session, r *http.Request) (int, error) {
	cookies, err := m.cookies.SaveCookies(ctx, s, r.Cookies())
	if err != nil {
		return saveFailureStatus(err), fmt.Errorf("session middleware: save: %w", err)
	}
	for _, c := range cookies {
		h.Add("Set-Cookie", c.String())
	}
	return 0, nil
}

func (m *SessionMiddleware) setCookie(h http.Header, id string) (int, error) {
	value, err := m.signer.Sign(id)
	if err != nil {
		return http.StatusInternalServerError, fmt.Errorf("session middleware: sign cookie: %w", err)
	}
	h.Add("Set-Cookie", m.cookie(value, m.cookieMaxAge).String())
	return 0, nil
}

func (m *SessionMiddleware) expireCookie(h http.Header) {
	h.Add("Set-Cookie", m.cookie("", -1).String())
}

func (m *SessionMiddleware) cookie(value string, maxAge int) *http.Cookie {
	return &http.Cookie{
		Name: m.opts.Name, Value: value, MaxAge: maxAge,
		Path: m.opts.Path, Domain: m.opts.Domain,
		Secure: m.opts.Secure, HttpOnly: true, SameSite: m.opts.SameSite,
	}
}

// crossSiteExpiry returns the cookie that expires the session cookie of
// the middleware serving ctx from inside a third-party iframe, where a
// browser takes a cookie only with SameSite=None and Secure; nil outside
// the middleware.
func crossSiteExpiry(ctx context.Context) *http.Cookie {
	m, _ := ctx.Value(middlewareKey{}).(*SessionMiddleware)
	if m == nil {
		return nil
	}
	c := m.cookie("", -1)
	c.SameSite, c.Secure = http.SameSiteNoneMode, true
	return c
}

func (m *SessionMiddleware) logFailure(r *http.Request, err error) {
	m.log.LogAttrs(r.Context(), slog.LevelError, "session middleware: request failed",
		slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.Any("error", err))
}

func (m *SessionMiddleware) logWarning(r *http.Request, msg string, attrs ...slog.Attr) {
	attrs = append(attrs, slog.String("method", r.Method), slog.String("path", r.URL.Path))
	m.log.LogAttrs(r.Context(), slog.LevelWarn, msg, attrs...)
}

// replacedHeaders are response headers a handler may have set that would
// be wrong on the error answer that replaces its response.
var replacedHeaders = []string{"Content-Length", "Content-Disposition", "Content-Range", "Etag", "Last-Modified", "Location", "Refresh", "Set-Cookie"}

// answerError replaces the response with a plain error status.
func answerError(w http.ResponseWriter, status int) {
	h := w.Header()
	for _, k := range replacedHeaders {
		h.Del(k)
	}
	h.Set("Cache-Control", "no-store")
	http.Error(w, http.StatusText(status), status)
}
