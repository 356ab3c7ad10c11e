package config

import (
	"fmt"
	"math"
	"net/url"
	"slices"
	"strings"
	"time"
)

// reader reads well-typed values from Values, recording a problem for each
// value of the wrong type or out of range and using the default instead.
type reader struct {
	v  Values
	ps *Problems
}

// value is the value of key, or its default when absent.
func (r reader) value(name string) (Key, any) {
	k := byName[name]
	v, ok := r.v[name]
	if !ok || v == nil {
		return k, k.Default
	}
	return k, v
}

// bad records that key's value is unusable and says what to write.
func (r reader) bad(k Key, v any, problem string) {
	want := k.Want
	if want == "" {
		want = describe(k)
	}
	r.ps.Add(k.Name, v, problem+"; write "+want)
}

func (r reader) str(name string) string {
	k, v := r.value(name)
	s, ok := v.(string)
	if !ok {
		r.bad(k, v, "is "+typeName(v)+", not a string")
		return k.Default.(string)
	}
	if len(k.Oneof) > 0 && !slices.Contains(k.Oneof, s) {
		r.bad(k, v, "is not one of "+strings.Join(k.Oneof, ", "))
		return k.Default.(string)
	}
	if k.Check != nil {
		if problem := k.Check(s); problem != "" {
			r.bad(k, v, problem)
			return k.Default.(string)
		}
	}
	return s
}

func (r reader) bool(name string) bool {
	k, v := r.value(name)
	b, ok := v.(bool)
	if !ok {
		r.bad(k, v, "is "+typeName(v)+", not a boolean")
		return k.Default.(bool)
	}
	return b
}

// number reads a whole number no less than the key's Min.
func (r reader) number(name string) int64 {
	k, v := r.value(name)
	f, ok := v.(float64)
	if i, isInt := v.(int); isInt {
		f, ok = float64(i), true
	}
	switch {
	case !ok:
		r.bad(k, v, "is "+typeName(v)+", not a number")
	case f != math.Trunc(f) || f > 1<<53:
		r.bad(k, v, "is not a whole number")
	case f < k.Min:
		r.bad(k, v, fmt.Sprintf("is less than %v", k.Min))
	default:
		return int64(f)
	}
	return int64(k.Default.(float64))
}

func (r reader) duration(name string) time.Duration {
	k, v := r.value(name)
	s, ok := v.(string)
	if !ok {
		r.bad(k, v, "is "+typeName(v)+", not a duration string")
		s = k.Default.(string)
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		r.bad(k, v, "is not a positive duration")
		d, _ = time.ParseDuration(k.Default.(string))
	}
	return d
}

// strings reads a list of non-empty strings.
func (r reader) strings(name string) []string {
	k, v := r.value(name)
	list, ok := asList(v)
	if !ok {
		r.bad(k, v, "is "+typeName(v)+", not a list")
		return nil
	}
	if k.Check != nil {
		if problem := k.Check(list); problem != "" {
			r.bad(k, v, problem)
			return nil
		}
	}
	out := make([]string, 0, len(list))
	for i, e := range list {
		s, ok := e.(string)
		if !ok || s == "" {
			r.ps.Add(fmt.Sprintf("%s[%d]", name, i), e, "must be a non-empty string")
			continue
		}
		out = append(out, s)
	}
	return out
}

// describe is what to write for a key of k's kind.
func describe(k Key) string {
	switch {
	case len(k.Oneof) > 0:
		return Alternatives(k.Oneof)
	case k.Kind == Bool:
		return "true or false"
	case k.Kind == Number:
		return "a whole number"
	case k.Kind == Duration:
		return `a duration such as "5s"`
	case k.Kind == List:
		return "a list of strings"
	}
	return "a string"
}

func nonEmpty(v any) string {
	if strings.TrimSpace(v.(string)) == "" {
		return "is empty"
	}
	return ""
}

func cookiePath(v any) string {
	if !strings.HasPrefix(v.(string), "/") {
		return `does not start with "/"`
	}
	return ""
}

func cookieName(v any) string {
	s := v.(string)
	if s == "" {
		return ""
	}
	for _, c := range s {
		if c <= ' ' || c >= 0x7f || strings.ContainsRune(`()<>@,;:\"/[]?={}`, c) {
			return "is not a valid cookie name"
		}
	}
	return ""
}

func absoluteURL(v any) string {
	s := v.(string)
	if s == "" {
		return ""
	}
	u, err := url.Parse(s)
	if err != nil || !u.IsAbs() || u.Host == "" {
		return "is not an absolute URL"
	}
	if u.User != nil {
		return "holds a user or password before the host, which would reach every browser in the callback URLs; write the URL without them"
	}
	return ""
}

// Alternatives writes names as "a, b or c" for a message; "(none)" when
// there are none.
func Alternatives(names []string) string {
	switch n := len(names); n {
	case 0:
		return "(none)"
	case 1:
		return names[0]
	default:
		return strings.Join(names[:n-1], ", ") + " or " + names[n-1]
	}
}

// minTokenKey is the shortest token key, in bytes; the same as
// application.MinTokenKeyLength.
const minTokenKey = 32

func tokenKey(v any) string {
	if s := v.(string); s != "" && len(s) < minTokenKey {
		return fmt.Sprintf("has %d characters, fewer than %d", len(s), minTokenKey)
	}
	return ""
}

func tokenKeys(v any) string {
	list, _ := asList(v)
	for i, e := range list {
		if s, ok := e.(string); !ok || len(s) < minTokenKey {
			return fmt.Sprintf("entry %d is not a string of at least %d characters", i, minTokenKey)
		}
	}
	return ""
}
