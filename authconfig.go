package sessionauth

import (
	"fmt"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/infrastructure/fakebroker"
	"github.com/sessionauth/sessionauth/infrastructure/oidcbroker"
)

// authConfig is the authentication configuration as bound by ConfigModule
// or by Flamingo's configuration module.
type authConfig struct {
	Brokers            []any  `inject:"config:core.auth.web.broker"`
	BaseURL            string `inject:"config:core.auth.web.baseURL,optional"`
	DefaultBroker      string `inject:"config:core.auth.web.defaultBroker,optional"`
	PostLogoutRedirect string `inject:"config:core.auth.web.postLogoutRedirect,optional"`
	StateLifeTime      string `inject:"config:core.auth.web.stateLifeTime,optional"`
}

// brokerKeys are the keys a broker entry may have, by type.
var brokerKeys = map[string][]string{
	"oidc": {"broker", "typ", "endpoint", "clientID", "clientSecret", "scopes", "enableOfflineToken", "claims",
		"enableEndSessionEndpoint", "redirectURL", "stateLifeTime"},
	"fake": {"broker", "typ", "users", "redirectURL", "stateLifeTime"},
}

// authSettings is authConfig checked: the brokers built, without network.
type authSettings struct {
	brokers            map[string]domain.IdentityProvider
	order              []string
	defaultBroker      string
	postLogoutRedirect string
	baseURL            string
	stateLifetime      time.Duration
	brokerLifetimes    map[string]time.Duration
}

func (c *authConfig) settings() (*authSettings, error) {
	var errs configErrors
	s := &authSettings{
		brokers: map[string]domain.IdentityProvider{}, brokerLifetimes: map[string]time.Duration{},
		postLogoutRedirect: c.PostLogoutRedirect, baseURL: c.BaseURL,
	}
	if s.postLogoutRedirect == "" {
		s.postLogoutRedirect = "/"
	}
	s.stateLifetime = duration(&errs, "core.auth.web.stateLifeTime", c.StateLifeTime, 30*time.Minute)
	if c.BaseURL != "" {
		if u, err := url.Parse(c.BaseURL); err != nil || !u.IsAbs() || u.Host == "" {
			errs.add("core.auth.web.baseURL", c.BaseURL, "must be the absolute URL users reach the application at, e.g. https://shop.example")
		}
	}
	for i, raw := range c.Brokers {
		c.addBroker(s, i, raw, &errs)
	}
	s.defaultBroker = c.DefaultBroker
	if s.defaultBroker == "" && len(s.order) > 0 {
		s.defaultBroker = s.order[0]
	}
	if _, ok := s.brokers[s.defaultBroker]; !ok && s.defaultBroker != "" {
		errs.add("core.auth.web.defaultBroker", c.DefaultBroker, fmt.Sprintf("no broker of that name; configured: %v", s.order))
	}
	return s, errs.err()
}

func (c *authConfig) addBroker(s *authSettings, i int, raw any, errs *configErrors) {
	key := fmt.Sprintf("core.auth.web.broker[%d]", i)
	m, ok := asMap(raw)
	if !ok {
		errs.add(key, raw, "must be a map such as {broker: main, typ: oidc, endpoint: ..., clientID: ..., clientSecret: ...}")
		return
	}
	e := entry{m: m, key: key, errs: errs}
	name, typ := e.str("broker"), e.str("typ")
	if name == "" {
		errs.add(key+".broker", m["broker"], "every broker needs a name, used in /auth/login/{broker}")
		return
	}
	if _, dup := s.brokers[name]; dup {
		errs.add(key+".broker", name, "another broker has the same name")
		return
	}
	if !e.known(typ) {
		return
	}
	redirect := e.str("redirectURL")
	if redirect == "" && c.BaseURL != "" {
		redirect = strings.TrimSuffix(c.BaseURL, "/") + "/auth/callback/" + name
	}
	broker, err := buildBroker(name, typ, redirect, &e)
	if err != nil {
		errs.add(key, name, err.Error())
		return
	}
	s.brokers[name] = broker
	s.order = append(s.order, name)
	if v := e.str("stateLifeTime"); v != "" {
		s.brokerLifetimes[name] = duration(errs, key+".stateLifeTime", v, s.stateLifetime)
	}
}

func buildBroker(name, typ, redirect string, e *entry) (domain.IdentityProvider, error) {
	if typ == "fake" {
		return fakebroker.New(fakebroker.Config{Broker: name, Users: e.users(), RedirectURL: redirect})
	}
	if redirect == "" {
		return nil, fmt.Errorf("an oidc broker needs redirectURL, or set core.auth.web.baseURL (the callback is {baseURL}/auth/callback/%s)", name)
	}
	return oidcbroker.New(oidcbroker.Config{
		Broker: name, Endpoint: e.str("endpoint"), ClientID: e.str("clientID"), ClientSecret: e.str("clientSecret"),
		RedirectURL: redirect, Scopes: e.strings("scopes"), EnableOfflineToken: e.bool("enableOfflineToken"),
		EnableEndSessionEndpoint: e.bool("enableEndSessionEndpoint"),
		Claims:                   oidcbroker.ClaimMapping{IDToken: e.claims("idToken"), UserInfo: e.claims("userInfo")},
	})
}

// entry reads one broker map, reporting wrong types by key.
type entry struct {
	m    map[string]any
	key  string
	errs *configErrors
}

func (e *entry) known(typ string) bool {
	keys, ok := brokerKeys[typ]
	if !ok {
		e.errs.add(e.key+".typ", e.m["typ"], "use oidc or fake")
		return false
	}
	var unknown []string
	for k := range e.m {
		if !contains(keys, k) {
			unknown = append(unknown, k)
		}
	}
	sort.Strings(unknown)
	for _, k := range unknown {
		e.errs.add(e.key+"."+k, e.m[k], fmt.Sprintf("unknown key for a %s broker; known: %s", typ, strings.Join(keys, ", ")))
	}
	return len(unknown) == 0
}

func (e *entry) str(k string) string {
	v, ok := e.m[k]
	if !ok || v == nil {
		return ""
	}
	s, ok := v.(string)
	if !ok {
		e.errs.add(e.key+"."+k, v, "must be a string")
	}
	return s
}

func (e *entry) bool(k string) bool {
	v, ok := e.m[k]
	if !ok || v == nil {
		return false
	}
	b, ok := v.(bool)
	if !ok {
		e.errs.add(e.key+"."+k, v, "must be true or false")
	}
	return b
}

func (e *entry) strings(k string) []string {
	var out []string
	list, isList := asList(e.m[k])
	if v, ok := e.m[k]; ok && v != nil && !isList {
		e.errs.add(e.key+"."+k, v, "must be a list of strings")
	}
	for i, v := range list {
		s, ok := v.(string)
		if !ok {
			e.errs.add(fmt.Sprintf("%s.%s[%d]", e.key, k, i), v, "must be a string")
			continue
		}
		out = append(out, s)
	}
	return out
}

// claims reads claims.<which>: a map of User field to claim name.
func (e *entry) claims(which string) map[string]string {
	claims, _ := asMap(e.m["claims"])
	m, ok := asMap(claims[which])
	if !ok {
		return nil
	}
	out := make(map[string]string, len(m))
	for field, claim := range m {
		s, ok := claim.(string)
		if !ok {
			e.errs.add(e.key+".claims."+which+"."+field, claim, "must be the name of a claim")
			continue
		}
		out[field] = s
	}
	return out
}

func (e *entry) users() []fakebroker.User {
	list, _ := asList(e.m["users"])
	var out []fakebroker.User
	for i, raw := range list {
		m, _ := asMap(raw)
		u := entry{m: m, key: fmt.Sprintf("%s.users[%d]", e.key, i), errs: e.errs}
		user := fakebroker.User{Username: u.str("username"), Password: u.str("password")}
		if user.Username == "" {
			e.errs.add(u.key+".username", m["username"], "every fake user needs a username")
			continue
		}
		user.Sub, user.Name, user.Email = u.str("sub"), u.str("name"), u.str("email")
		user.FirstName, user.LastName, user.Groups = u.str("firstName"), u.str("lastName"), u.strings("groups")
		if user.Sub == "" {
			user.Sub = user.Username
		}
		out = append(out, user)
	}
	return out
}

func duration(errs *configErrors, key, v string, def time.Duration) time.Duration {
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		errs.add(key, v, `must be a positive duration such as "30m"`)
		return def
	}
	return d
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
