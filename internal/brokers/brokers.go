// Package brokers builds the built-in identity providers from one entry of
// core.auth.web.broker: OIDC for typ oidc and Fake for typ fake. The root
// package binds them as sessionauth.BrokerFactory under those names; what
// an entry means (its keys, their defaults, the claim mapping) is decided
// here, where fast tests of its own reach it.
package brokers

import (
	"fmt"

	"github.com/sessionauth/sessionauth/config"
	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/infrastructure/fakebroker"
	"github.com/sessionauth/sessionauth/infrastructure/oidcbroker"
)

// OIDC builds the OpenID Connect broker of entry b.
func OIDC(b config.Broker) (domain.IdentityProvider, error) {
	b.Only("endpoint", "clientID", "clientSecret", "scopes", "enableOfflineToken", "claims", "enableEndSessionEndpoint")
	return oidcbroker.New(oidcbroker.Config{
		Broker: b.Name, Endpoint: b.String("endpoint"), ClientID: b.String("clientID"), ClientSecret: b.String("clientSecret"),
		RedirectURL: b.RedirectURL, Scopes: b.Strings("scopes"), EnableOfflineToken: b.Bool("enableOfflineToken"),
		EnableEndSessionEndpoint: b.Bool("enableEndSessionEndpoint"), ClockSkew: b.ClockSkew,
		Claims: Claims(b),
	})
}

// Claims reads the entry's claims block: claims.idToken changes
// oidcbroker.DefaultIDTokenMapping for the fields it names (see
// oidcbroker.ClaimMapping); claims.userInfo has no default (the userinfo
// endpoint is asked only when it maps something).
func Claims(b config.Broker) oidcbroker.ClaimMapping {
	claims := b.Map("claims")
	return oidcbroker.ClaimMapping{IDToken: claimMap(b, claims, "idToken"), UserInfo: claimMap(b, claims, "userInfo")}
}

// claimMap reads claims.<which>: a map of User field to claim name.
func claimMap(b config.Broker, claims map[string]any, which string) map[string]string {
	m, _ := claims[which].(map[string]any)
	if len(m) == 0 {
		return nil
	}
	out := make(map[string]string, len(m))
	for field, claim := range m {
		s, ok := claim.(string)
		if !ok {
			b.Problem("claims", fmt.Sprintf("claims.%s.%s must be the name of a claim", which, field))
			continue
		}
		out[field] = s
	}
	return out
}

// Fake builds the fake broker of entry b, with its users.
func Fake(b config.Broker) (domain.IdentityProvider, error) {
	b.Only("users")
	var users []fakebroker.User
	for _, u := range b.Entries("users") {
		user := fakebroker.User{Username: u.String("username"), Password: u.String("password")}
		user.Sub, user.Name, user.Email = u.String("sub"), u.String("name"), u.String("email")
		user.FirstName, user.LastName, user.Groups = u.String("firstName"), u.String("lastName"), u.Strings("groups")
		if user.Username == "" {
			u.Problem("username", "every fake user needs a username")
			continue
		}
		if user.Sub == "" {
			user.Sub = user.Username
		}
		users = append(users, user)
	}
	return fakebroker.New(fakebroker.Config{Broker: b.Name, Users: users, RedirectURL: b.RedirectURL})
}
