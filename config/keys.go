package config

// Kind is the type of a configuration value, as Flamingo's loader binds it.
type Kind int

// The kinds of value.
const (
	String   Kind = iota // a string
	Bool                 // true or false
	Number               // a whole number; int and float64 are accepted
	Duration             // a duration string such as "5s"
	List                 // a list of strings
	Brokers              // core.auth.web.broker: a list of broker maps
)

// Key is one configuration key.
type Key struct {
	Name    string             // dotted, e.g. flamingo.session.max.age
	Kind    Kind               // type of the value
	Default any                // in the form Normalize gives: string, bool, float64 or []any
	Aliases []string           // older spellings that mean this key
	Doc     string             // one line for docs/config.md
	Secret  bool               // its value never appears in an error
	Oneof   []string           // the values allowed, for an enumeration
	Min     float64            // smallest number allowed (Number)
	Want    string             // what to write, for the error of a bad value
	Section string             // heading in docs/config.md
	CUE     string             // CUE type of the key when the generic one would not unify with Flamingo's
	Check   func(v any) string // further check of a well-typed value; the problem, or ""
}

// The sections of docs/config.md.
const (
	sectionSession = "Sessions"
	sectionRedis   = "Redis"
	sectionAuth    = "Authentication"
)

const (
	thirtyDays = float64(60 * 60 * 24 * 30)
	oneMiB     = float64(1 << 20)
)

// FlamingoDefaultSecret is the session secret Flamingo declares as its
// default. Anyone can sign cookies with it; a warning says so when it is
// used.
const FlamingoDefaultSecret = "flamingosecret"

// Keys is the table of every key sessionauth reads, sessions and
// authentication.
var Keys = []Key{
	{Name: "flamingo.session.backend", Kind: String, Default: "memory", Aliases: []string{"session.backend"}, Section: sectionSession,
		Doc:  "`memory`, `file`, `redis`, `cookie` (sealed in the visitor's cookies, see backends.md), `custom` (a bound `sessionauth.CustomSessionBackend`), or the name of a backend your module binds (see custom.md)",
		Want: "memory, file, redis, cookie, custom, or the name under which your module binds a sessionauth.BackendFactory",
		CUE:  `*"memory" | "redis" | "file" | "cookie" | "custom"`, Check: nonEmpty},
	{Name: "flamingo.session.repository", Kind: String, Default: "", Section: sectionSession,
		Doc: "sessionauth's own backend when `backend` must be `custom`: inside Flamingo (see flamingo.md); empty means `backend`"},
	{Name: "flamingo.session.name", Kind: String, Default: "flamingo", Aliases: []string{"session.name"}, Section: sectionSession,
		Doc: "cookie name", Want: "a cookie name such as flamingo", Check: cookieName},
	{Name: "flamingo.session.secret", Kind: String, Default: "", Aliases: []string{"session.secret"}, Secret: true, Section: sectionSession,
		Doc: "key that signs the cookie (outside Flamingo also a list: the first signs, all verify); empty: a random key per process, with a warning; shorter than 32 bytes: a warning (make one with `openssl rand -base64 32`)",
		CUE: `string | *"` + FlamingoDefaultSecret + `"`},
	{Name: "flamingo.session.previousSecrets", Kind: List, Default: []any{}, Secret: true, Section: sectionSession,
		Doc: "older keys that still verify, for rotation without logging anyone out", Want: "a list of non-empty strings"},
	{Name: "flamingo.session.max.age", Kind: Number, Default: thirtyDays, Aliases: []string{"session.max.age"}, Min: 1, Section: sectionSession,
		Doc: "session lifetime in seconds after its last save; also the cookie's Max-Age", Want: "a whole number of seconds, e.g. 2592000 for 30 days"},
	{Name: "flamingo.session.max.lifetime", Kind: Number, Default: float64(0), Section: sectionSession,
		Doc: "absolute session lifetime in seconds from its first save, whatever its activity (`max.age` is the idle timeout); kept through the new ID at login; `0` = none", Want: "a whole number of seconds, e.g. 43200 for 12 hours, 0 for none"},
	{Name: "flamingo.session.store.length", Kind: Number, Default: oneMiB, Aliases: []string{"session.store.length"}, Section: sectionSession,
		Doc: "largest encoded session in bytes; a larger one is refused and nothing is written; `0` = no limit", Want: "a whole number of bytes, 0 for no limit"},
	{Name: "flamingo.session.cookie.secure", Kind: Bool, Default: true, Aliases: []string{"session.cookie.secure"}, Section: sectionSession,
		Doc: "send the cookie over HTTPS only (set `false` for plain-http development)"},
	{Name: "flamingo.session.cookie.path", Kind: String, Default: "/", Aliases: []string{"session.cookie.path"}, Section: sectionSession,
		Doc: "cookie path", Want: `a path starting with "/", e.g. "/"`, Check: cookiePath},
	{Name: "flamingo.session.cookie.sameSite", Kind: String, Default: "lax", Oneof: []string{"lax", "strict", "none", "default"}, Section: sectionSession,
		Doc: "`lax`, `strict`, `none` or `default`"},
	{Name: "flamingo.session.cookie.domain", Kind: String, Default: "", Section: sectionSession,
		Doc: "cookie domain; empty: the host only"},
	{Name: "flamingo.session.cookie.maxBytes", Kind: Number, Default: float64(6144), Min: 1024, Section: sectionSession,
		Doc:  "cookie backend: cap on what the session's cookies add to a request's `Cookie` header (6 KiB leaves 2 KiB for a site's other cookies under the common 8 KiB header limit); a larger session is refused (500) and nothing is written",
		Want: "a whole number of bytes of at least 1024, e.g. 6144"},
	{Name: "flamingo.session.cookie.compression", Kind: Bool, Default: true, Section: sectionSession,
		Doc: "cookie backend: pack the session's tokens and compress it (DEFLATE) when that saves a cookie or brings it under maxBytes"},
	{Name: "flamingo.session.cookie.revocation", Kind: String, Default: "", Oneof: []string{"", "memory", "file", "redis"}, Section: sectionSession,
		Doc:  "cookie backend: where ended session IDs are remembered (`memory`, `file` or `redis`, configured by their own keys), so that a copy of the cookies taken before a logout or a login is refused; empty: none, and such a copy opens until its lifetimes end",
		Want: `memory, file or redis (the backend that remembers ended sessions), or "" for none`},
	{Name: "flamingo.session.file", Kind: String, Default: "/sessions", Aliases: []string{"session.file"}, Section: sectionSession,
		Doc: "directory of the file backend (created with its parents)"},
	{Name: "flamingo.session.fileMaxSessions", Kind: Number, Default: float64(100000), Section: sectionSession,
		Doc: "cap on session files of the file backend: a new session beyond it first evicts one holding only a pending login or anonymous data (nearest expiry first), a logged-in one only when no other is left; `0` = no cap", Want: "a whole number of sessions, 0 for no cap"},
	{Name: "flamingo.session.healthcheck", Kind: Bool, Default: true, Aliases: []string{"core.healthcheck.checkSession", "healthcheck.checkSession"}, Section: sectionSession,
		Doc: "bind the `\"session\"` health check"},
	{Name: "flamingo.session.failureMode", Kind: String, Default: "fail", Oneof: []string{"fail", "continue"}, Section: sectionSession,
		Doc:  "when the backend cannot load a session: `fail` answers 503; `continue` serves a fresh session that is neither saved nor given a cookie",
		Want: "fail (answer 503 when the backend is down) or continue (go on with a fresh session that is not saved)"},
	{Name: "flamingo.session.memory.maxBytes", Kind: Number, Default: float64(256 << 20), Section: sectionSession,
		Doc: "cap on the encoded bytes of all sessions held by the memory backend (256 MiB); `0` = no cap", Want: "a whole number of bytes, 0 for no cap"},
	{Name: "flamingo.session.memory.maxSessions", Kind: Number, Default: float64(100000), Section: sectionSession,
		Doc: "cap on sessions held by the memory backend; `0` = no cap", Want: "a whole number of sessions, 0 for no cap"},
	{Name: "flamingo.session.saveMode", Kind: String, Default: "", Section: sectionSession,
		Doc: "Flamingo's own save mode (`Always`, `OnRead`, `OnWrite`); read by Flamingo, ignored by sessionauth, which always writes only what changed",
		CUE: `string`},
	{Name: "flamingo.session.migrate.from", Kind: String, Default: "", CUE: `*"" | "redis" | "file"`, Check: migrateFrom, Section: sectionSession,
		Doc:  "move the sessions of Flamingo's own `redis` or `file` backend into this one as their visitors come back (see flamingo.md); empty: off",
		Want: `redis (Flamingo's own Redis backend, at the flamingo.session.redis.* keys), file (its file backend), or "" for none`},
	{Name: "flamingo.session.migrate.keyPrefix", Kind: String, Default: "", Section: sectionSession,
		Doc: "key prefix of the old Redis records; empty: `flamingo.session.redis.keyPrefix` when set, else Flamingo's `session:`", CUE: "string"},
	{Name: "flamingo.session.migrate.file", Kind: String, Default: "", Section: sectionSession,
		Doc: "directory of the old session files; empty: `flamingo.session.file`"},
	{Name: "flamingo.session.migrate.redis.url", Kind: String, Default: "", Secret: true, Section: sectionSession,
		Doc: "the old Redis, when it is not the new one: `redis://[user:password@]host:port/db` or `rediss://…`, as `flamingo.session.redis.url` meant to Flamingo; " +
			"empty, with `migrate.redis.host` empty too: the new backend's `flamingo.session.redis.*` connection (required when the new backend is not redis)"},
	{Name: "flamingo.session.migrate.redis.host", Kind: String, Default: "", Section: sectionSession,
		Doc: "the old Redis's `host[:port]` (in cluster mode several comma-separated seed addresses), as `flamingo.session.redis.host` meant to Flamingo; the URL's parts win"},
	{Name: "flamingo.session.migrate.redis.username", Kind: String, Default: "", Section: sectionSession,
		Doc: "the old Redis's ACL user"},
	{Name: "flamingo.session.migrate.redis.password", Kind: String, Default: "", Secret: true, Section: sectionSession,
		Doc: "the old Redis's password"},
	{Name: "flamingo.session.migrate.redis.database", Kind: Number, Default: float64(0), Section: sectionSession,
		Doc: "the old Redis's database number", Want: "a database number such as 0"},
	{Name: "flamingo.session.migrate.redis.tls", Kind: Bool, Default: false, Section: sectionSession,
		Doc: "connect to the old Redis over TLS"},
	{Name: "flamingo.session.migrate.redis.tlsCAFile", Kind: String, Default: "", Section: sectionSession,
		Doc: "PEM file of the CA that signed the old Redis's certificate, in addition to the system's"},
	{Name: "flamingo.session.migrate.redis.clusterMode", Kind: Bool, Default: false, Section: sectionSession,
		Doc: "the old Redis is a Redis Cluster"},

	{Name: "flamingo.session.redis.url", Kind: String, Default: "", Aliases: []string{"session.redis.url"}, Secret: true, Section: sectionRedis,
		Doc: "`redis://[user:password@]host:port/db` or `rediss://…` (TLS); its parts win over the keys below"},
	{Name: "flamingo.session.redis.host", Kind: String, Default: "redis", Aliases: []string{"session.redis.host", "session.backend.redis.host"}, Section: sectionRedis,
		Doc: "`host[:port]`; in cluster mode several comma-separated seed addresses"},
	{Name: "flamingo.session.redis.username", Kind: String, Default: "", Section: sectionRedis,
		Doc: "ACL user", CUE: `string & !=""`},
	{Name: "flamingo.session.redis.password", Kind: String, Default: "", Aliases: []string{"session.redis.password"}, Secret: true, Section: sectionRedis,
		Doc: "password"},
	{Name: "flamingo.session.redis.database", Kind: Number, Default: float64(0), Section: sectionRedis,
		Doc: "database number (must be 0 in cluster mode)", Want: "a database number such as 0"},
	{Name: "flamingo.session.redis.idle.connections", Kind: Number, Default: float64(10), Aliases: []string{"session.redis.idle.connections"}, Section: sectionRedis,
		Doc: "as in Flamingo, go-redis's pool size: the most connections per server (per node in cluster mode), busy or idle; `pool.size` wins when set; `0` = go-redis's default, 10 per CPU", Want: "a whole number of connections such as 10"},
	{Name: "flamingo.session.redis.tls", Kind: Bool, Default: false, Section: sectionRedis,
		Doc: "connect with TLS (certificate verification on)"},
	{Name: "flamingo.session.redis.tlsCAFile", Kind: String, Default: "", Section: sectionRedis,
		Doc: "PEM file of the CA that signed the server certificate (default: the system's roots)"},
	{Name: "flamingo.session.redis.tlsServerName", Kind: String, Default: "", Section: sectionRedis,
		Doc: "name to verify in the server certificate when it differs from the host"},
	{Name: "flamingo.session.redis.clusterMode", Kind: Bool, Default: false, Section: sectionRedis,
		Doc: "Redis Cluster"},
	{Name: "flamingo.session.redis.timeout", Kind: Duration, Default: "5s", Section: sectionRedis,
		Doc: "dial, read and write timeout, and the start-up check", Want: `a positive duration such as "5s" or "500ms"`},
	{Name: "flamingo.session.redis.keyPrefix", Kind: String, Default: "", Section: sectionRedis,
		Doc: "prefix of every session key", CUE: "string"},
	{Name: "flamingo.session.redis.pool.size", Kind: Number, Default: float64(0), Section: sectionRedis,
		Doc:  "the most connections per server (per node in cluster mode), busy or idle; `0` = take `idle.connections`; see operations.md",
		Want: "a whole number of connections such as 50, or 0 to take idle.connections"},
	{Name: "flamingo.session.redis.pool.minIdle", Kind: Number, Default: float64(0), Section: sectionRedis,
		Doc:  "connections opened ahead of need and kept open, per server; at most the pool size",
		Want: "a whole number of connections such as 5, or 0"},
	{Name: "flamingo.session.redis.pool.timeout", Kind: Duration, Default: "6s", Section: sectionRedis,
		Doc:  "how long a command waits for a free connection when all are busy, then fails without reaching Redis (default: `timeout`'s default plus 1 s)",
		Want: `a positive duration such as "1s"`},
	{Name: "flamingo.session.redis.sentinel.master", Kind: String, Default: "", Section: sectionRedis,
		Doc: "Redis Sentinel: the name the Sentinels watch the master under; set, the Sentinels name the master (`host` is ignored) and failovers are followed"},
	{Name: "flamingo.session.redis.sentinel.addresses", Kind: String, Default: "", Section: sectionRedis,
		Doc: "Redis Sentinel: the Sentinels' `host[:port]`, comma-separated, port 26379 by default"},
	{Name: "flamingo.session.redis.sentinel.username", Kind: String, Default: "", Section: sectionRedis,
		Doc: "Redis Sentinel: the Sentinels' ACL user (the master's is `username`)"},
	{Name: "flamingo.session.redis.sentinel.password", Kind: String, Default: "", Secret: true, Section: sectionRedis,
		Doc: "Redis Sentinel: the Sentinels' password (the master's is `password`)"},
	{Name: "flamingo.session.redis.clusterReloadInterval", Kind: Duration, Default: "10s", Section: sectionRedis,
		Doc:  "cluster mode: how often the slot map is reloaded while commands run; a failed node or CLUSTERDOWN reloads it at once as well (see operations.md)",
		Want: `a positive duration such as "10s"`},
	{Name: "flamingo.session.redis.waitReplicas", Kind: Number, Default: float64(0), Section: sectionRedis,
		Doc:  "replicas that must acknowledge every write (`WAIT`) before a save succeeds; fewer make the save fail; `0` = do not wait (see operations.md)",
		Want: "a whole number of replicas such as 1, or 0 not to wait"},
	{Name: "flamingo.session.redis.waitTimeout", Kind: Duration, Default: "1s", Section: sectionRedis,
		Doc:  "how long a write waits for `waitReplicas`; must be shorter than `timeout`",
		Want: `a positive duration shorter than flamingo.session.redis.timeout, such as "500ms"`},

	{Name: "flamingo.session.redis.clientCache", Kind: Bool, Default: false, Section: sectionRedis,
		Doc: "keep the sessions this instance loaded in its memory while Redis reports no change to them (`CLIENT TRACKING`); a single server or Sentinel only, not `clusterMode` (see backends.md)"},
	{Name: "flamingo.session.redis.clientCacheMaxEntries", Kind: Number, Default: float64(10000), Min: 1, Section: sectionRedis,
		Doc:  "the most sessions `clientCache` holds; the least recently used of the lowest rank go first, anonymous ones never push out logged-in ones",
		Want: "a whole number of sessions such as 10000"},
	{Name: "flamingo.session.redis.clientCacheMaxBytes", Kind: Number, Default: float64(64 << 20), Min: 1, Section: sectionRedis,
		Doc:  "the most bytes `clientCache` holds (keys, values and a fixed overhead per session)",
		Want: "a whole number of bytes such as 67108864 (64 MiB)"},
	{Name: "flamingo.session.redis.clientCacheMaxStale", Kind: Duration, Default: "5s", Section: sectionRedis,
		Doc:  "how long `clientCache` serves a session without reading it again, even when Redis reported no change: the bound should an invalidation be lost",
		Want: `a positive duration such as "5s"`},

	{Name: "core.auth.web.broker", Kind: Brokers, Default: []any{}, Section: sectionAuth,
		Doc:  "the identity brokers: a list of `{broker, typ, …}` maps (see auth.md)",
		Want: "a list of maps, one per broker, such as [{broker: main, typ: oidc, endpoint: …, clientID: …, clientSecret: …}]", CUE: `[...{broker: string, typ: string}] | *[]`},
	{Name: "core.auth.web.baseURL", Kind: String, Default: "", Section: sectionAuth,
		Doc: "absolute URL the application is reached at; callback URLs are `{baseURL}/auth/callback/{broker}`", Want: "the absolute URL users reach the application at, e.g. https://shop.example", Check: absoluteURL},
	{Name: "core.auth.web.defaultBroker", Kind: String, Default: "", Section: sectionAuth,
		Doc: "broker of `/auth/login` without a name; empty: the first"},
	{Name: "core.auth.web.postLogoutRedirect", Kind: String, Default: "/", Section: sectionAuth,
		Doc: "where the browser goes after logout"},
	{Name: "core.auth.web.stateLifeTime", Kind: Duration, Default: "30m", Section: sectionAuth,
		Doc: "how long a started login may take", Want: `a positive duration such as "30m"`},
	{Name: "core.auth.web.clockSkew", Kind: Duration, Default: "5m", Section: sectionAuth,
		Doc: "how far in the future an ID token's issue time (`iat`) may lie, for a provider whose clock runs ahead", Want: `a positive duration such as "5m"`},
	{Name: "core.auth.web.trustForwardedHeaders", Kind: Bool, Default: false, Section: sectionAuth,
		Doc: "without `baseURL`, take the callback URL's scheme and host from `X-Forwarded-Proto`/`-Host`; only behind a proxy that sets them"},
	{Name: "core.auth.web.tokenKey", Kind: String, Default: "", Secret: true, Section: sectionAuth,
		Doc:  "key that seals the identity's tokens in the session (AES-256-GCM); empty: a random key per process, with a warning (tokens then do not survive a restart or reach another instance)",
		Want: "at least 32 random characters, e.g. from `openssl rand -base64 32`", Check: tokenKey},
	{Name: "core.auth.web.previousTokenKeys", Kind: List, Default: []any{}, Secret: true, Section: sectionAuth,
		Doc:  "older token keys that still open sealed tokens, for rotation; a session sealed with a key in neither is logged out",
		Want: "a list of keys of at least 32 characters", Check: tokenKeys},
	{Name: "core.auth.web.debugController", Kind: Bool, Default: false, Section: sectionAuth,
		Doc: "Flamingo's auth debug page; read by Flamingo, ignored by sessionauth", CUE: "bool"},
}

// Lookup returns the key called name.
func Lookup(name string) (Key, bool) {
	k, ok := byName[name]
	return k, ok
}

var byName = func() map[string]Key {
	m := make(map[string]Key, len(Keys))
	for _, k := range Keys {
		m[k.Name] = k
	}
	return m
}()
