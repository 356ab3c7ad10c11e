package config

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// Auth is the authentication configuration, checked and converted.
type Auth struct {
	Brokers            []Broker      // in the order configured
	BaseURL            string        // absolute URL of the application, or empty
	DefaultBroker      string        // broker of /auth/login without a name
	PostLogoutRedirect string        // where the browser goes after logout
	StateLifetime      time.Duration // how long a started login may take
	ClockSkew          time.Duration // how far in the future an ID token's iat may lie
	TrustForwarded     bool          // X-Forwarded-Proto/-Host make the callback URL
	TokenKeys          []string      // tokenKey, then previousTokenKeys; none: a key per process
}

// Broker is one entry of core.auth.web.broker. Its type-specific keys are
// read by the factory of its type, through the accessors, which record
// problems under the entry's key.
type Broker struct {
	Name          string        // broker: the name in /auth/login/{broker}
	Type          string        // typ: the factory that builds it
	RedirectURL   string        // redirectURL, or {baseURL}/auth/callback/{broker}
	StateLifetime time.Duration // stateLifeTime, or core.auth.web.stateLifeTime
	ClockSkew     time.Duration // core.auth.web.clockSkew
	Key           string        // core.auth.web.broker[i], for messages

	entry map[string]any
	ps    *Problems
	of    string // for an entry of a broker's list (Entries): the list's field
}

// ReadAuth checks the authentication keys of v and converts them. The
// broker entries are checked for what every broker has (a unique name, a
// type); the rest of each entry is for its factory to read.
func ReadAuth(v Values) (Auth, *Problems) {
	ps := new(Problems)
	r := reader{v: v, ps: ps}
	a := Auth{BaseURL: r.str("core.auth.web.baseURL"), DefaultBroker: r.str("core.auth.web.defaultBroker"),
		PostLogoutRedirect: r.str("core.auth.web.postLogoutRedirect"), StateLifetime: r.duration("core.auth.web.stateLifeTime")}
	a.ClockSkew = r.duration("core.auth.web.clockSkew")
	a.TrustForwarded = r.bool("core.auth.web.trustForwardedHeaders")
	if k := r.str("core.auth.web.tokenKey"); k != "" {
		a.TokenKeys = append(a.TokenKeys, k)
	}
	a.TokenKeys = append(a.TokenKeys, r.strings("core.auth.web.previousTokenKeys")...)
	r.bool("core.auth.web.debugController")
	if a.PostLogoutRedirect == "" {
		a.PostLogoutRedirect = "/"
	}
	k, raw := r.value("core.auth.web.broker")
	list, ok := asList(raw)
	if !ok {
		r.bad(k, raw, "is "+typeName(raw)+", not a list")
	}
	for i, e := range list {
		if b, ok := readBroker(a, i, e, ps); ok {
			if slices.ContainsFunc(a.Brokers, func(o Broker) bool { return o.Name == b.Name }) {
				ps.Add(b.Key+".broker", b.Name, "another broker has the same name; give each a name of its own")
				continue
			}
			a.Brokers = append(a.Brokers, b)
		}
	}
	if a.DefaultBroker == "" && len(a.Brokers) > 0 {
		a.DefaultBroker = a.Brokers[0].Name
	}
	// A broker list that is not a list has its message; the default broker
	// is not also reported as missing from it.
	if ok && a.DefaultBroker != "" && !slices.ContainsFunc(a.Brokers, func(b Broker) bool { return b.Name == a.DefaultBroker }) {
		ps.Add("core.auth.web.defaultBroker", a.DefaultBroker, defaultBrokerFix(a.names()))
	}
	return a, ps
}

func defaultBrokerFix(names []string) string {
	if len(names) == 0 {
		return "no broker is configured; add it to core.auth.web.broker, or leave core.auth.web.defaultBroker out"
	}
	return "no broker of that name; write " + Alternatives(names)
}

func (a Auth) names() []string {
	out := make([]string, len(a.Brokers))
	for i, b := range a.Brokers {
		out[i] = b.Name
	}
	return out
}

func readBroker(a Auth, i int, raw any, ps *Problems) (Broker, bool) {
	key := fmt.Sprintf("core.auth.web.broker[%d]", i)
	m, ok := asMap(raw)
	if !ok {
		ps.Add(key, raw, "is not a map; write one such as {broker: main, typ: oidc, endpoint: …, clientID: …, clientSecret: …}")
		return Broker{}, false
	}
	b := Broker{Key: key, entry: m, ps: ps}
	b.Name, b.Type = b.String("broker"), b.String("typ")
	if b.Name == "" {
		ps.Add(key+".broker", m["broker"], "every broker needs a name, used in /auth/login/{broker}; write one such as main")
		return Broker{}, false
	}
	if b.Type == "" {
		ps.Add(key+".typ", m["typ"], "every broker needs a type; write oidc, fake or the name of your BrokerFactory")
		return Broker{}, false
	}
	b.RedirectURL = b.String("redirectURL")
	if b.RedirectURL == "" && a.BaseURL != "" {
		b.RedirectURL = strings.TrimSuffix(a.BaseURL, "/") + "/auth/callback/" + b.Name
	}
	b.StateLifetime, b.ClockSkew = a.StateLifetime, a.ClockSkew
	if v := b.String("stateLifeTime"); v != "" {
		if d, err := time.ParseDuration(v); err == nil && d > 0 {
			b.StateLifetime = d
		} else {
			ps.Add(key+".stateLifeTime", v, `is not a positive duration; write one such as "30m"`)
		}
	}
	return b, true
}

// ReportTo returns b recording its problems in ps from now on: the
// problems its factory finds while building the broker.
func (b Broker) ReportTo(ps *Problems) Broker {
	b.ps = ps
	return b
}

// Problem records a problem with field of the entry.
func (b Broker) Problem(field string, message string) {
	b.ps.Add(b.Key+"."+field, b.entry[field], message)
}

// Has tells whether the entry sets field to a value: a field written
// without one (scopes: in YAML) is not set.
func (b Broker) Has(field string) bool {
	return b.entry[field] != nil
}

// String reads a string field; absent is "".
func (b Broker) String(field string) string {
	v, ok := b.entry[field]
	if !ok || v == nil {
		return ""
	}
	s, ok := v.(string)
	if !ok {
		b.Problem(field, "is "+typeName(v)+", not a string; write it as text, in quotes when it looks like a number or true/false")
	}
	return s
}

// Bool reads a boolean field; absent is false.
func (b Broker) Bool(field string) bool {
	v, ok := b.entry[field]
	if !ok || v == nil {
		return false
	}
	x, ok := v.(bool)
	if !ok {
		b.Problem(field, "is "+typeName(v)+", not true or false; write true or false, without quotes")
	}
	return x
}

// Strings reads a list of strings; absent is nil.
func (b Broker) Strings(field string) []string {
	v := b.entry[field]
	if v == nil {
		return nil
	}
	list, ok := asList(v)
	if !ok {
		b.Problem(field, "is "+typeName(v)+", not a list of strings; write a list, such as [profile, email]")
		return nil
	}
	var out []string
	for i, e := range list {
		s, ok := e.(string)
		if !ok {
			b.ps.Add(fmt.Sprintf("%s.%s[%d]", b.Key, field, i), e, "is "+typeName(e)+", not a string; write it in quotes")
			continue
		}
		out = append(out, s)
	}
	return out
}

// Map reads a map field, such as claims: {idToken: {...}}; absent is nil.
func (b Broker) Map(field string) map[string]any {
	v := b.entry[field]
	m, ok := asMap(v)
	if v != nil && !ok {
		b.Problem(field, "is "+typeName(v)+", not a map; write a map of names to values, such as {name: value}")
	}
	return m
}

// Nested reads a map field, such as claims, as a reader of its own fields,
// whose problems are recorded under the field's path; absent is a reader of
// no fields.
func (b Broker) Nested(field string) Broker {
	return Broker{Key: b.Key + "." + field, entry: b.Map(field), ps: b.ps, Type: b.Type, of: field}
}

// Fields are the names of the entry's fields, sorted.
func (b Broker) Fields() []string {
	return slices.Sorted(maps.Keys(b.entry))
}

// Entries reads a list of maps, such as the users of a fake broker, each
// as a Broker-like reader of its fields.
func (b Broker) Entries(field string) []Broker {
	v := b.entry[field]
	list, ok := asList(v)
	if v != nil && !ok {
		b.Problem(field, "is "+typeName(v)+", not a list; write a list with one map per entry, such as [{username: alice, password: …}]")
	}
	var out []Broker
	for i, e := range list {
		key := fmt.Sprintf("%s.%s[%d]", b.Key, field, i)
		m, ok := asMap(e)
		if !ok {
			// not shown: a string here is often "name:password"
			b.ps.AddPlain(key, "is "+typeName(e)+", not a map; write each entry as a map of its fields, such as {username: alice, password: …}")
			continue
		}
		out = append(out, Broker{Key: key, entry: m, ps: b.ps, Type: b.Type, of: field})
	}
	return out
}
