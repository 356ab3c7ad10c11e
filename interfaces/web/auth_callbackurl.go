package web

import (
	"net/http"
	"net/url"
	"strings"
)

// callbackURL is the absolute URL of broker's callback for a login
// started by r: CallbackURL's when set, else made with base.
func (c *AuthController) callbackURL(r *http.Request, broker string) string {
	if c.opts.CallbackURL != nil {
		if u := c.opts.CallbackURL(r, broker); u != "" {
			return u
		}
	}
	return c.base(r) + "/auth/callback/" + url.PathEscape(broker)
}

// base is BaseURL, or scheme and host of the request: https when it came
// over TLS, the Host header; with TrustForwardedHeaders, X-Forwarded-Proto
// (http or https) and X-Forwarded-Host win when well-formed.
func (c *AuthController) base(r *http.Request) string {
	if c.opts.BaseURL != "" {
		return strings.TrimSuffix(c.opts.BaseURL, "/")
	}
	scheme, host := "http", r.Host
	if r.TLS != nil {
		scheme = "https"
	}
	if c.opts.TrustForwardedHeaders {
		if p := firstValue(r.Header.Get("X-Forwarded-Proto")); p == "http" || p == "https" {
			scheme = p
		}
		if h := firstValue(r.Header.Get("X-Forwarded-Host")); validHost(h) {
			host = h
		}
	}
	return scheme + "://" + host
}

// firstValue is the first of a comma-separated header's values, as the
// proxy nearest to the client set it.
func firstValue(v string) string {
	first, _, _ := strings.Cut(v, ",")
	return strings.ToLower(strings.TrimSpace(first))
}

// validHost accepts host[:port] and nothing that would change the URL's
// meaning (a path, user info, a query).
func validHost(h string) bool {
	if h == "" || strings.ContainsAny(h, "/\\@?# \t") {
		return false
	}
	u, err := url.Parse("http://" + h)
	return err == nil && u.Host == h
}
