package sessionauth

// flamingoDefaultSecret is the session secret Flamingo declares as its
// default; a warning says so when it is used.
const flamingoDefaultSecret = "flamingosecret"

// CueConfig declares the session keys for Flamingo's configuration loader,
// which looks for this method. Keys that Flamingo's own SessionModule
// declares too have the same types and defaults here, so both schemas
// unify; the keys only sessionauth has get its defaults. Inside Flamingo,
// flamingo.session.backend is "custom" (sessionauth's repository behind
// Flamingo's sessions) and flamingo.session.repository picks the backend.
func (*SessionModule) CueConfig() string {
	return `
flamingo: session: {
	backend: *"memory" | "redis" | "file" | "custom"
	repository: string | *""
	name: string | *"flamingo"
	secret: string | *"flamingosecret"
	previousSecrets: [...string] | *[]
	healthcheck: bool | *true
	failureMode: *"fail" | "continue"
	file: string | *"/sessions"
	store: length: float | int | *(1024 * 1024)
	max: age: float | int | *(60 * 60 * 24 * 30)
	memory: maxSessions: float | int | *100000
	cookie: {
		secure: bool | *true
		path: string | *"/"
		sameSite: *"lax" | "strict" | "none" | "default"
		domain: string | *""
	}
	redis: {
		url: string | *""
		host: string | *"redis"
		username?: string & !=""
		password: string | *""
		idle: connections: float | int | *10
		database: float | int | *0
		tls: bool | *false
		tlsCAFile: string | *""
		tlsServerName: string | *""
		clusterMode: bool | *false
		timeout: string | *"5s"
		keyPrefix?: string
	}
}
`
}

// FlamingoLegacyConfigAlias maps the older spellings to the current keys
// for Flamingo's configuration loader, as ConfigModule does outside
// Flamingo. session.backend.redis.host is left out: Flamingo's loader nests
// it below session.backend, whose value is a string.
func (*SessionModule) FlamingoLegacyConfigAlias() map[string]string {
	aliases := make(map[string]string, len(legacyAliases))
	for legacy, current := range legacyAliases {
		if legacy != "session.backend.redis.host" {
			aliases[legacy] = current
		}
	}
	return aliases
}

// CueConfig declares the authentication keys for Flamingo's configuration
// loader.
func (*AuthModule) CueConfig() string {
	return `
core: auth: web: {
	broker: [...{broker: string, typ: "oidc" | "fake"}] | *[]
	baseURL: string | *""
	defaultBroker: string | *""
	postLogoutRedirect: string | *"/"
	stateLifeTime: string | *"30m"
}
`
}
