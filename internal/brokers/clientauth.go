package brokers

import (
	"fmt"
	"slices"

	"github.com/sessionauth/sessionauth/config"
	"github.com/sessionauth/sessionauth/infrastructure/oidcbroker"
)

// privateKeyExample is how the messages say to write a private key.
const privateKeyExample = `such as privateKey: '%%ENV:OIDC_PRIVATE_KEY%%' with the PEM text (BEGIN PRIVATE KEY) or a JWK with its private part in that variable`

// ClientAuth reads how the client authenticates at the provider
// (tokenEndpointAuthMethod, privateKey, privateKeyID, assertionAudience)
// into cfg and tells whether it is usable: the method is known, and has
// what it signs with.
func ClientAuth(b config.Broker, cfg *oidcbroker.Config) bool {
	cfg.TokenEndpointAuthMethod, cfg.PrivateKey = b.String("tokenEndpointAuthMethod"), b.String("privateKey")
	cfg.PrivateKeyID, cfg.AssertionAudience = b.String("privateKeyID"), b.String("assertionAudience")
	ok := true
	if m := cfg.TokenEndpointAuthMethod; m != "" && !slices.Contains(oidcbroker.AuthMethods, m) {
		b.Problem("tokenEndpointAuthMethod", "is not a client authentication method; write "+
			config.Alternatives(oidcbroker.AuthMethods)+", as registered for the client at the provider")
		ok = false
	}
	if a := cfg.AssertionAudience; a != "" && a != oidcbroker.AudienceTokenEndpoint && a != oidcbroker.AudienceIssuer {
		b.Problem("assertionAudience", "write "+oidcbroker.AudienceTokenEndpoint+" (the token endpoint URL as the assertion's aud) or "+
			oidcbroker.AudienceIssuer+" (the issuer URL)")
		ok = false
	}
	switch cfg.TokenEndpointAuthMethod {
	case oidcbroker.PrivateKeyJWT:
		return checkPrivateKey(b, cfg.PrivateKey) && ok
	case oidcbroker.ClientSecretJWT:
		if len(cfg.ClientSecret) < oidcbroker.MinAssertionSecret {
			b.Problem("clientSecret", fmt.Sprintf("client_secret_jwt signs with the client secret (HS256), which needs at least %d bytes; "+
				"have the provider generate a longer secret and write it here, or use private_key_jwt", oidcbroker.MinAssertionSecret))
			return false
		}
	}
	if cfg.PrivateKey != "" || cfg.PrivateKeyID != "" {
		field := "privateKey"
		if cfg.PrivateKey == "" {
			field = "privateKeyID"
		}
		b.Problem(field, "is only used with tokenEndpointAuthMethod: private_key_jwt; set that, or remove "+field)
		ok = false
	}
	return ok
}

// checkPrivateKey records why the private key of private_key_jwt cannot
// sign, if it cannot.
func checkPrivateKey(b config.Broker, key string) bool {
	if key == "" {
		b.Problem("privateKey", "private_key_jwt signs with the client's private key, and none is given; write it, "+privateKeyExample)
		return false
	}
	if err := oidcbroker.CheckPrivateKey(key); err != nil {
		b.Problem("privateKey", err.Error()+"; write an RSA (2048 bits or more), EC P-256 or Ed25519 private key, "+privateKeyExample)
		return false
	}
	return true
}
