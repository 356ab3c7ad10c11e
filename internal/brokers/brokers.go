// Package brokers builds the built-in identity providers from one entry of
// core.auth.web.broker: OIDC for typ oidc and Fake for typ fake. The root
// package binds them as sessionauth.BrokerFactory under those names; what
// an entry means (its keys, their defaults, the claim mapping) is decided
// here, where fast tests of its own reach it.
package brokers

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"

	"github.com/sessionauth/sessionauth/config"
	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/infrastructure/fakebroker"
	"github.com/sessionauth/sessionauth/infrastructure/oidcbroker"
)

// OIDC builds the OpenID Connect broker of entry b. A problem with one of
// its fields is recorded under that field, with what to write; the error
// then only says that the broker was not built.
func OIDC(b config.Broker) (domain.IdentityProvider, error) {
	b.Only("endpoint", "clientID", "clientSecret", "scopes", "enableOfflineToken", "claims", "enableEndSessionEndpoint",
		"frontChannelLogout", "responseMode", "postLogoutRedirectURIs",
		"tokenEndpointAuthMethod", "privateKey", "privateKeyID", "assertionAudience", "usePAR",
		"revokeTokensAtLogout", "frontChannelLogoutOrigins")
	cfg := oidcbroker.Config{
		Broker: b.Name, Endpoint: b.Required("endpoint", "write the issuer URL of the OpenID provider, such as "+exampleIssuer),
		ClientID:     b.Required("clientID", "write the client ID the OpenID provider registered for this application"),
		ClientSecret: b.String("clientSecret"), RedirectURL: b.RedirectURL, Scopes: Scopes(b),
		EnableOfflineToken: b.Bool("enableOfflineToken"), EnableEndSessionEndpoint: b.Bool("enableEndSessionEndpoint"),
		ClockSkew: b.ClockSkew, Claims: Claims(b), UsePAR: b.Bool("usePAR"),
		FrontChannelLogout: b.Bool("frontChannelLogout"), ResponseMode: ResponseMode(b),
		PostLogoutRedirectURIs: PostLogoutRedirectURIs(b), RevokeTokensAtLogout: b.Bool("revokeTokensAtLogout"),
		FrontChannelLogoutOrigins: FrontChannelLogoutOrigins(b),
	}
	if len(cfg.FrontChannelLogoutOrigins) > 0 && !cfg.FrontChannelLogout {
		b.Problem("frontChannelLogoutOrigins", "is only used with frontChannelLogout: true; set that, or remove frontChannelLogoutOrigins")
	}
	clientAuthOK := ClientAuth(b, &cfg)
	if !checkURLs(b, cfg) || !clientAuthOK {
		return nil, fmt.Errorf("oidc broker %q: invalid configuration", b.Name)
	}
	return oidcbroker.New(cfg)
}

// ResponseMode reads the entry's responseMode: query (the default) or
// form_post.
func ResponseMode(b config.Broker) string {
	mode := b.String("responseMode")
	if !slices.Contains(oidcbroker.ResponseModes, mode) {
		b.Problem("responseMode", "is not a response mode sessionauth speaks; write query (the default) or form_post")
		return ""
	}
	return mode
}

// PostLogoutRedirectURIs reads the entry's postLogoutRedirectURIs: each an
// absolute URL, as registered with the provider.
func PostLogoutRedirectURIs(b config.Broker) []string {
	var out []string
	for _, raw := range b.Strings("postLogoutRedirectURIs") {
		if !absolute(raw) || withUser(raw) {
			b.Problem("postLogoutRedirectURIs", "holds "+strconv.Quote(raw)+", not an absolute URL without user or password; "+
				"write the URLs registered at the provider as post-logout redirect URIs, such as https://shop.example/auth/loggedout")
			continue
		}
		out = append(out, raw)
	}
	return out
}

// FrontChannelLogoutOrigins reads the entry's frontChannelLogoutOrigins:
// the origins of the provider's logout pages, each scheme://host[:port],
// which replace the issuer's origin as those that may frame the
// front-channel logout answer.
func FrontChannelLogoutOrigins(b config.Broker) []string {
	var out []string
	for _, raw := range b.Strings("frontChannelLogoutOrigins") {
		if err := oidcbroker.CheckOrigin(raw); err != nil {
			b.Problem("frontChannelLogoutOrigins", "holds "+strconv.Quote(raw)+", which "+err.Error()+
				"; write the origins of the provider's logout pages, such as [https://login.microsoftonline.com]")
			continue
		}
		out = append(out, raw)
	}
	return out
}

// DefaultScopes are requested, besides openid, by an entry without scopes:
// those of the claims the default mapping reads (name, email, given and
// family name). An entry with scopes: [] asks for openid alone.
var DefaultScopes = []string{"profile", "email"}

// Scopes reads the entry's scopes: DefaultScopes when it has none.
func Scopes(b config.Broker) []string {
	if !b.Has("scopes") {
		return slices.Clone(DefaultScopes)
	}
	return b.Strings("scopes")
}

// exampleIssuer is the issuer URL the messages give as an example.
const exampleIssuer = "https://login.example/realms/shop"

// checkURLs records the URLs of cfg that are not absolute and tells
// whether cfg can be built: both URLs absolute and the client ID set.
func checkURLs(b config.Broker, cfg oidcbroker.Config) bool {
	ok := cfg.Endpoint != "" && cfg.ClientID != ""
	if cfg.Endpoint != "" && !absolute(cfg.Endpoint) {
		b.Problem("endpoint", "is not an absolute URL; write the issuer URL of the OpenID provider, such as "+exampleIssuer)
		ok = false
	}
	// A redirectURL made from core.auth.web.baseURL is that key's problem.
	urls := map[string]string{"endpoint": cfg.Endpoint}
	if b.Has("redirectURL") {
		urls["redirectURL"] = cfg.RedirectURL
	}
	for field, raw := range urls {
		if withUser(raw) {
			b.Problem(field, "holds a user or password before the host; write the URL without them "+
				"(the client's secret belongs in clientSecret)")
			ok = false
		}
	}
	if cfg.RedirectURL != "" && !absolute(cfg.RedirectURL) {
		b.Problem("redirectURL", "is not an absolute URL; write the URL of this application's callback registered at the provider, "+
			"such as https://shop.example/auth/callback/"+b.Name+", or leave it out and set core.auth.web.baseURL")
		ok = false
	}
	return ok
}

// withUser tells whether raw is a URL with user information (user:password@).
func withUser(raw string) bool {
	u, err := url.Parse(raw)
	return err == nil && u.User != nil
}

// absolute tells whether raw is an absolute URL with a host.
func absolute(raw string) bool {
	u, err := url.Parse(raw)
	return err == nil && u.IsAbs() && u.Host != ""
}

// Claims reads the entry's claims block: claims.idToken changes
// oidcbroker.DefaultIDTokenMapping for the fields it names (see
// oidcbroker.ClaimMapping); claims.userInfo has no default (the userinfo
// endpoint is asked only when it maps something).
func Claims(b config.Broker) oidcbroker.ClaimMapping {
	claims := b.Nested("claims")
	claims.Only("idToken", "userInfo")
	return oidcbroker.ClaimMapping{IDToken: claimMap(claims.Nested("idToken")), UserInfo: claimMap(claims.Nested("userInfo"))}
}

// claimMap reads a map of User field to claim name.
func claimMap(m config.Broker) map[string]string {
	fields := m.Fields()
	if len(fields) == 0 {
		return nil
	}
	out := make(map[string]string, len(fields))
	for _, field := range fields {
		out[field] = m.String(field)
	}
	return out
}

// Fake builds the fake broker of entry b, with its users, whose keys are
// checked like the entry's own.
func Fake(b config.Broker) (domain.IdentityProvider, error) {
	b.Only("users")
	var users []fakebroker.User
	for _, u := range b.Entries("users") {
		u.Only(userFields...)
		user := fakebroker.User{Username: u.String("username"), Password: u.String("password")}
		user.Sub, user.Name, user.Email = u.String("sub"), u.String("name"), u.String("email")
		user.FirstName, user.LastName, user.Groups = u.String("firstName"), u.String("lastName"), u.Strings("groups")
		if user.Username == "" {
			u.Problem("username", "every fake user needs a username; write the name typed into the login form, such as alice")
			continue
		}
		if slices.ContainsFunc(users, func(o fakebroker.User) bool { return o.Username == user.Username }) {
			u.Problem("username", "another user of this broker has the same username; give each user a username of its own")
			continue
		}
		if user.Sub == "" {
			user.Sub = user.Username
		}
		users = append(users, user)
	}
	return fakebroker.New(fakebroker.Config{Broker: b.Name, Users: users, RedirectURL: b.RedirectURL})
}

// userFields are the keys of a fake broker's user.
var userFields = []string{"username", "password", "sub", "name", "email", "firstName", "lastName", "groups"}
