package application

import (
	"net/url"
	"strings"
)

// SanitizeReturnPath returns raw when it is a path on this site, and "/"
// otherwise: absolute URLs (https://evil.example, javascript:...),
// scheme-relative ones (//evil.example), backslash tricks
// (/\evil.example), control characters, and the percent-encoded forms of
// all of them, however often encoded.
func SanitizeReturnPath(raw string) string {
	if !safePath(raw) {
		return "/"
	}
	decoded := raw
	for range 5 {
		next, err := url.PathUnescape(decoded)
		if err != nil || !safePath(next) {
			return "/"
		}
		if next == decoded {
			return raw
		}
		decoded = next
	}
	return "/" // encoded more often than any honest link
}

// safePath checks one decoding layer.
func safePath(p string) bool {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.ContainsAny(p, "\\") {
		return false
	}
	for _, r := range p {
		if r < 0x20 || r == 0x7f {
			return false
		}
	}
	u, err := url.Parse(p)
	return err == nil && u.Scheme == "" && u.Host == "" && u.Opaque == ""
}
