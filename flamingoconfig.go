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
// Flamingo.
func (*SessionModule) FlamingoLegacyConfigAlias() map[string]string { return config.LegacyAliases() }

// CueConfig declares the authentication keys for Flamingo's configuration
// loader.
func (*AuthModule) CueConfig() string { return config.AuthCUE() }
