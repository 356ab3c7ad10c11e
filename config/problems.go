package config

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/sessionauth/sessionauth/internal/redact"
)

// Problem is one thing wrong with the configuration.
type Problem struct {
	Key     string // the key, with an index for list entries: core.auth.web.broker[0].typ
	Value   string // the value as shown: quoted, or (hidden) for a secret
	Message string // what is wrong and what to write instead

	line string // the whole line, for a problem that an adapter worded
}

func (p Problem) String() string {
	if p.line != "" {
		return p.line
	}
	if p.Value == "" {
		return fmt.Sprintf("config key %s: %s", p.Key, p.Message)
	}
	return fmt.Sprintf("config key %s = %s: %s", p.Key, p.Value, p.Message)
}

// Error is a configuration that cannot be used: every problem found, in
// the order of the keys.
type Error struct {
	Problems []Problem
}

// Error lists the problems one a line, the first on the first line, so
// that the line a log shows first says what to fix.
func (e *Error) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	head := "sessionauth: invalid configuration: "
	if len(lines) > 1 {
		head = fmt.Sprintf("sessionauth: invalid configuration (%d problems): ", len(lines))
	}
	return head + strings.Join(lines, "\n  ")
}

// Problems collects problems; the zero value is ready to use.
type Problems struct {
	list []Problem
}

// Add records a problem with key, whose value v is shown unless the key is
// a secret.
func (ps *Problems) Add(key string, v any, message string) {
	ps.list = append(ps.list, Problem{Key: key, Value: Show(key, v), Message: message})
}

// AddPlain records a problem with key that shows no value.
func (ps *Problems) AddPlain(key, message string) {
	ps.list = append(ps.list, Problem{Key: key, Message: message})
}

// AddError records err of a factory or adapter as a problem with key and
// value v: the problems of an *Error one by one, and an error that names
// its own key ("config key K = …") as it is worded, with the credentials
// of any URL in it hidden.
func (ps *Problems) AddError(key string, v any, err error) {
	var ce *Error
	if errors.As(err, &ce) {
		ps.list = append(ps.list, ce.Problems...)
		return
	}
	msg := redact.Text(err.Error()) // an adapter may quote a URL with its password
	if rest, ok := strings.CutPrefix(msg, "config key "); ok {
		own, _, _ := strings.Cut(rest, " ")
		ps.list = append(ps.list, Problem{Key: own, line: msg})
		return
	}
	ps.Add(key, v, msg)
}

// Join adds every problem of other.
func (ps *Problems) Join(other *Problems) {
	if other != nil {
		ps.list = append(ps.list, other.list...)
	}
}

// Len is the number of problems.
func (ps *Problems) Len() int { return len(ps.list) }

// Err is nil without problems, else an *Error listing them by key.
func (ps *Problems) Err() error {
	if len(ps.list) == 0 {
		return nil
	}
	list := append([]Problem(nil), ps.list...)
	sort.SliceStable(list, func(i, j int) bool { return list[i].Key < list[j].Key })
	return &Error{Problems: list}
}

// Show is how a value of key appears in an error: quoted, with secrets
// hidden and lists and maps shown by their type. A Redis URL keeps its
// shape with the password replaced, even one that does not parse; any
// other string has the credentials of a URL or address it holds hidden
// (user:password@host), a password put in the wrong key.
func Show(key string, v any) string {
	if v == nil {
		return "(empty)"
	}
	if isRedisURL(key) {
		if s, ok := v.(string); ok {
			return fmt.Sprintf("%q", redact.URL(s))
		}
	}
	if secretKey(key) {
		return "(hidden)"
	}
	switch x := v.(type) {
	case string:
		return fmt.Sprintf("%q", redact.URL(x))
	case float64, bool, int:
		return fmt.Sprint(x)
	}
	// A list or map may hold secrets (a fake user's password): its type
	// alone is shown.
	return "(" + typeName(v) + ")"
}

// RedactURL hides the credentials of a URL, even one that does not parse:
// see redact.URL.
func RedactURL(raw string) string {
	return redact.URL(raw)
}

func isRedisURL(key string) bool {
	return key == "flamingo.session.redis.url" || key == "flamingo.session.migrate.redis.url"
}

// secretKey tells whether the values of key are secrets: a secret key of
// the table or one of its list entries, or a field whose name speaks of a
// secret (a broker's clientSecret or privateKey, a fake user's password),
// misspelt too.
func secretKey(key string) bool {
	base, _, _ := strings.Cut(key, "[")
	if k, ok := byName[base]; ok && k.Secret && base == strings.TrimRight(key, "]0123456789[") {
		return true
	}
	field := strings.ToLower(strings.TrimRight(key[strings.LastIndexByte(key, '.')+1:], "]0123456789["))
	if field == "privatekeyid" { // the key's name, not the key
		return false
	}
	for _, name := range []string{"clientsecret", "password", "secret", "tokenkey", "previoustokenkeys", "previoussecrets", "privatekey"} {
		if strings.Contains(field, name) || distance(field, name) <= len(name)/4 {
			return true
		}
	}
	return strings.Contains(field, "passw")
}

func typeName(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case float64, int, int64:
		return "a number"
	case bool:
		return "a boolean"
	case []any:
		return "a list"
	case map[string]any:
		return "a map"
	}
	return fmt.Sprintf("%T", v)
}

// Secret tells whether the values of key are secrets, as Show hides them:
// a secret key of the table, or a field whose name speaks of a secret
// (core.auth.web.broker[0].clientSecret, a fake user's password).
func Secret(key string) bool {
	return secretKey(key)
}
