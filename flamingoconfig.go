package sessionauth

import "github.com/sessionauth/sessionauth/config"

// CueConfig declares the session keys for Flamingo's configuration loader,
// which looks for this method. Keys that Flamingo's own SessionModule
// declares too have the same types and defaults, so both schemas unify.
// Inside Flamingo, flamingo.session.backend is "custom" (sessionauth's
// repository behind Flamingo's sessions) and flamingo.session.repository
// picks the backend.
func (*SessionModule) CueConfig() string { return config.SessionCUE() }

// FlamingoLegacyConfigAlias maps the older spellings to the current keys
// for Flamingo's configuration loader, as ConfigModule does outside
// Flamingo; but not those Flamingo's own SessionModule maps already:
// Flamingo's loader copies each current key back to its older spelling,
// and a second module declaring the same alias then finds the older key
// set and warns "legacy config … set" although only current keys are.
func (*SessionModule) FlamingoLegacyConfigAlias() map[string]string {
	aliases := config.LegacyAliases()
	for _, old := range flamingoSessionAliases {
		delete(aliases, old)
	}
	return aliases
}

// flamingoSessionAliases are the older spellings Flamingo v3.17.4's
// SessionModule maps itself (its FlamingoLegacyConfigAlias).
var flamingoSessionAliases = []string{
	"session.backend", "session.secret", "session.file", "session.store.length", "session.max.age",
	"session.cookie.secure", "session.cookie.path", "session.redis.url", "session.redis.host",
	"session.redis.password", "session.redis.idle.connections", "core.healthcheck.checkSession", "healthcheck.checkSession",
}

// CueConfig declares the authentication keys for Flamingo's configuration
// loader.
func (*AuthModule) CueConfig() string { return config.AuthCUE() }
