package web

import (
	"crypto/subtle"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/sessionauth/sessionauth/domain"
)

// frontChannel serves GET /auth/frontchannel/{broker}, OpenID Connect
// Front-Channel Logout 1.0: the provider's logout page loads it in an
// iframe with iss and sid, and the sessions of that provider session end
// (see application.AuthManager.FrontChannelLogout). The answer may be
// framed by the provider's origin only (Content-Security-Policy:
// frame-ancestors, the origin of its issuer or the configured origins of
// its logout pages), is never stored, and, when
// the request's own session ended, expires the session cookie a second
// time with SameSite=None and Secure, the attributes a cookie set inside a
// third-party iframe needs.
func (c *AuthController) frontChannel(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Security-Policy", "frame-ancestors 'none'")
	s := c.session(w, r)
	if s == nil {
		return
	}
	broker := r.PathValue("broker")
	fc, err := c.auth.FrontChannel(r.Context(), broker)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	if ancestors := frameAncestors(fc); ancestors != "" {
		w.Header().Set("Content-Security-Policy", "frame-ancestors "+ancestors)
	}
	q := r.URL.Query()
	res, err := c.auth.FrontChannelLogout(r.Context(), s, broker, q.Get("iss"), q.Get("sid"))
	if err != nil {
		c.fail(w, r, err)
		return
	}
	if res.Current {
		if expired := crossSiteExpiry(r.Context()); expired != nil {
			w.Header().Add("Set-Cookie", expired.String())
		}
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, _ = fmt.Fprint(w, `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Logged out</title></head><body>Logged out.</body></html>`)
}

// frameAncestors is the source list of the answer's frame-ancestors: the
// configured origins, else the issuer's origin; "" when there is none.
// An origin with characters that would end the source list is left out.
func frameAncestors(fc domain.FrontChannel) string {
	if len(fc.FrameAncestors) == 0 {
		return originOf(fc.Issuer)
	}
	var out []string
	for _, o := range fc.FrameAncestors {
		if o != "" && !strings.ContainsAny(o, " \t\r\n;,'\"") {
			out = append(out, o)
		}
	}
	return strings.Join(out, " ")
}

// originOf is the scheme and host of an absolute URL, or "".
func originOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return ""
	}
	return u.Scheme + "://" + u.Host
}

// logoutStateCookie holds the state of an RP-initiated logout until the
// provider sends the browser back to GET /auth/loggedout.
const logoutStateCookie = "sessionauth_logout"

// loggedOutPath is the application's logout return: register
// {BaseURL}/auth/loggedout as a post-logout redirect URI.
const loggedOutPath = "/auth/loggedout"

// logoutStateLifetime is how long a logout may stay at the provider.
const logoutStateLifetime = 10 * 60 // seconds

// setLogoutState keeps state for the logout return in a cookie of its own,
// sent back on the provider's top-level redirect (SameSite=Lax).
func setLogoutState(w http.ResponseWriter, returnURL, state string) {
	http.SetCookie(w, &http.Cookie{Name: logoutStateCookie, Value: state, Path: loggedOutPath, MaxAge: logoutStateLifetime,
		HttpOnly: true, Secure: isHTTPS(returnURL), SameSite: http.SameSiteLaxMode})
}

func isHTTPS(raw string) bool {
	u, err := url.Parse(raw)
	return err == nil && u.Scheme == "https"
}

// loggedOut serves GET /auth/loggedout, where the provider's end-session
// endpoint sends the browser back when the logout sent a state: the state
// must be the one the logout kept in the browser, else an error page (the
// user is logged out here either way). Then the browser goes on to
// PostLogoutRedirect.
func (c *AuthController) loggedOut(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	kept, err := r.Cookie(logoutStateCookie)
	got := r.URL.Query().Get("state")
	http.SetCookie(w, &http.Cookie{Name: logoutStateCookie, Path: loggedOutPath, MaxAge: -1, HttpOnly: true,
		Secure: r.TLS != nil, SameSite: http.SameSiteLaxMode})
	switch {
	case err != nil || kept.Value == "":
		c.fail(w, r, fmt.Errorf("auth controller: logout return: %w: no logout of this browser is under way", domain.ErrInvalidLogoutState))
		return
	case !sameSecret(kept.Value, got):
		c.fail(w, r, fmt.Errorf("auth controller: logout return: %w: the state is not the one the logout sent", domain.ErrInvalidLogoutState))
		return
	}
	http.Redirect(w, r, c.opts.PostLogoutRedirect, http.StatusSeeOther)
}

// sameSecret compares two secrets in constant time.
func sameSecret(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}
