// Package redact hides credentials in values and messages that people
// read: configuration errors and log lines. It works on text that is not
// a well-formed URL as well, since a password with "#", "/" or "?" makes
// a URL parser stop early and quote the rest of it.
package redact

import "strings"

// Mask replaces a hidden password, as in url.URL.Redacted.
const Mask = "xxxxx"

// URL returns raw with its credentials hidden. The user information is
// everything between "scheme://" (or the start, without a scheme) and the
// last "@": a password follows its first ":" and is replaced by Mask; user
// information without a ":" after a scheme (a token in the user's place)
// is replaced whole; "name@host" without a scheme, an e-mail address, is
// kept. The values of query parameters that name a credential are hidden
// too.
func URL(raw string) string {
	return query(userinfo(raw))
}

func userinfo(raw string) string {
	at := strings.LastIndex(raw, "@")
	if at < 0 {
		return raw
	}
	start := 0
	// A ":" before "://" may be a password's own: then the password
	// starts at that first ":".
	if i := strings.Index(raw[:at], "://"); i > 0 && schemeBefore(raw[:i]) && !strings.Contains(raw[:i], ":") {
		start = i + len("://")
	}
	if colon := strings.IndexByte(raw[start:at], ':'); colon >= 0 {
		return raw[:start+colon+1] + Mask + raw[at:]
	}
	if start > 0 {
		return raw[:start] + Mask + raw[at:]
	}
	return raw
}

// query hides the value of each query parameter whose name speaks of a
// credential (password=, token=, …).
func query(raw string) string {
	q := strings.IndexByte(raw, '?')
	if q < 0 {
		return raw
	}
	params := strings.Split(raw[q+1:], "&")
	for i, p := range params {
		name, value, ok := strings.Cut(p, "=")
		if ok && credentialName(name) {
			// a quote ends the value: what follows it is the message's
			rest := ""
			if end := strings.IndexAny(value, "\"'`"); end >= 0 {
				rest = value[end:]
			}
			params[i] = name + "=" + Mask + rest
		}
	}
	return raw[:q+1] + strings.Join(params, "&")
}

// credentialName tells whether a name (of a parameter or a field) speaks
// of a credential.
func credentialName(name string) bool {
	name = strings.ToLower(name)
	for _, w := range []string{"pass", "pw", "secret", "token", "key", "auth", "cred"} {
		if strings.Contains(name, w) {
			return true
		}
	}
	return false
}

// Text hides the credentials of every URL or address in free text, such
// as an error of a library: each word holding an "@" is redacted as URL
// does, but for the placeholder "user:password@". Text cannot know where
// a password with spaces began, so what it gets should never hold a raw
// secret; it is a second line of defence.
func Text(s string) string {
	if !strings.ContainsAny(s, "@?") {
		return s
	}
	var b strings.Builder
	for s != "" {
		space := strings.IndexAny(s, " \t\n")
		if space < 0 {
			space = len(s)
		}
		if word := s[:space]; strings.Contains(word, ":password@") {
			b.WriteString(word) // a placeholder, as in redis://[user:password@]host
		} else {
			b.WriteString(URL(word))
		}
		rest := strings.TrimLeft(s[space:], " \t\n")
		b.WriteString(s[space : len(s)-len(rest)])
		s = rest
	}
	return b.String()
}

// schemeBefore reports whether s ends in a URL scheme (RFC 3986 §3.1),
// such as the "redis" of `"redis`.
func schemeBefore(s string) bool {
	i := len(s)
	for i > 0 && isSchemeByte(s[i-1]) {
		i--
	}
	for i < len(s) && !isLetter(s[i]) {
		i++ // a scheme starts with a letter
	}
	return i < len(s)
}

func isSchemeByte(c byte) bool {
	return isLetter(c) || c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.'
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
