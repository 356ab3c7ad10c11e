package config

import (
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Session is the session configuration, checked and converted.
type Session struct {
	Backend     string        // the repository's backend name: repository, else backend
	Name        string        // cookie name
	Secret      string        // signs the cookie; empty when not configured
	Previous    []string      // older secrets that still verify
	MaxAge      time.Duration // idle lifetime and cookie Max-Age
	MaxLifetime time.Duration // absolute lifetime; 0 = none
	MaxSize     int           // bytes of one encoded session; 0 = no limit
	Cookie      Cookie        // cookie attributes
	CookieStore CookieStore   // the cookie backend
	File        string        // directory of the file backend
	FileMax     int           // cap on session files of the file backend; 0 = no cap
	Healthcheck bool          // bind the "session" health check
	Continue    bool          // failureMode continue: serve a fresh, unsaved session when the backend is down
	MaxSessions int           // cap of the memory backend; 0 = no cap
	MaxBytes    int           // byte cap of the memory backend; 0 = no cap
	Redis       Redis         // the Redis backend
	Migrate     Migrate       // the sessions of Flamingo's own backend to move over
}

// Migrate holds the keys of the migration from Flamingo's own backend.
type Migrate struct {
	From      string // "redis", "file", or "" for none
	KeyPrefix string // key prefix of the old Redis records, defaults applied
	File      string // directory of the old session files, defaults applied
	// Redis is the old Redis's connection: the migrate.redis.* keys when
	// url or host is set, else the new backend's Redis keys. Only its
	// connection fields are set.
	Redis Redis
	// OwnRedis tells whether Redis comes from the migrate.redis.* keys.
	OwnRedis bool
}

// Cookie holds the session cookie's attributes.
type Cookie struct {
	Secure   bool
	Path     string
	Domain   string
	SameSite http.SameSite
}

// CookieStore holds the cookie backend's keys.
type CookieStore struct {
	MaxBytes   int    // cap on the cookies' share of the Cookie header
	Compress   bool   // DEFLATE when shorter
	Revocation string // backend that remembers ended sessions; "" for none
}

// Redis holds the Redis backend's keys.
type Redis struct {
	URL, Host, Username, Password string
	Database, IdleConnections     int
	TLS                           bool
	TLSCAFile, TLSServerName      string
	ClusterMode                   bool
	Timeout                       time.Duration
	KeyPrefix                     string
	PoolSize, PoolMinIdle         int           // pool.size, pool.minIdle
	PoolTimeout                   time.Duration // pool.timeout
	ClusterReloadInterval         time.Duration // clusterReloadInterval
	WaitReplicas                  int           // waitReplicas; 0 = do not wait
	WaitTimeout                   time.Duration // waitTimeout
	Sentinel                      RedisSentinel
}

// RedisSentinel holds the keys of Redis Sentinel; Master empty means no
// Sentinel.
type RedisSentinel struct {
	Master, Addresses, Username, Password string
}

// ReadSession checks the session keys of v and converts them. Every
// problem is recorded; a bad value is replaced by its default, so that the
// other keys are still checked.
func ReadSession(v Values) (Session, *Problems) {
	ps := new(Problems)
	r := reader{v: v, ps: ps}
	s := Session{
		Backend: r.str("flamingo.session.backend"), Name: r.str("flamingo.session.name"),
		MaxAge:      time.Duration(r.number("flamingo.session.max.age")) * time.Second,
		MaxLifetime: time.Duration(r.number("flamingo.session.max.lifetime")) * time.Second,
		MaxSize:     int(r.number("flamingo.session.store.length")),
		Cookie: Cookie{Secure: r.bool("flamingo.session.cookie.secure"), Path: r.str("flamingo.session.cookie.path"),
			Domain: r.str("flamingo.session.cookie.domain"), SameSite: sameSite(r.str("flamingo.session.cookie.sameSite"))},
		CookieStore: CookieStore{MaxBytes: int(r.number("flamingo.session.cookie.maxBytes")), Compress: r.bool("flamingo.session.cookie.compression"),
			Revocation: r.str("flamingo.session.cookie.revocation")},
		File: r.str("flamingo.session.file"), Healthcheck: r.bool("flamingo.session.healthcheck"),
		Continue:    r.str("flamingo.session.failureMode") == "continue",
		MaxSessions: int(r.number("flamingo.session.memory.maxSessions")),
		MaxBytes:    int(r.number("flamingo.session.memory.maxBytes")),
		FileMax:     int(r.number("flamingo.session.fileMaxSessions")),
	}
	r.str("flamingo.session.saveMode")
	if repo := r.str("flamingo.session.repository"); repo != "" {
		s.Backend = repo
	}
	if s.Name == "" {
		s.Name = "flamingo"
	}
	s.Secret, s.Previous = secrets(r)
	if s.Backend == "file" && strings.TrimSpace(s.File) == "" {
		ps.Add("flamingo.session.file", s.File, "the file backend needs a directory; write one such as /var/lib/myapp/sessions")
	}
	if s.Backend == "cookie" && s.Secret == FlamingoDefaultSecret {
		ps.Add("flamingo.session.secret", s.Secret, "the cookie backend seals whole sessions with keys derived from the secret, and this one is Flamingo's published default: "+
			"anyone could forge a logged-in session; set a secret of your own (make one with `openssl rand -base64 32`)")
	}
	s.Redis = readRedis(r)
	s.Migrate = readMigrate(r, s)
	return s, ps
}

// readMigrate reads the migration keys; the old store's keys default to
// the ones Flamingo read.
func readMigrate(r reader, s Session) Migrate {
	m := Migrate{From: r.str("flamingo.session.migrate.from"), KeyPrefix: r.str("flamingo.session.migrate.keyPrefix"),
		File: r.str("flamingo.session.migrate.file")}
	if m.KeyPrefix == "" {
		m.KeyPrefix = strings.TrimSpace(s.Redis.KeyPrefix)
	}
	if m.KeyPrefix == "" {
		m.KeyPrefix = "session:"
	}
	if m.File == "" {
		m.File = s.File
	}
	m.Redis, m.OwnRedis = readMigrateRedis(r, s)
	if m.From == "redis" && !m.OwnRedis && s.Backend != "redis" {
		r.ps.Add("flamingo.session.migrate.from", m.From, "the new backend is "+s.Backend+", not redis, so the old Redis is not known: "+
			"set flamingo.session.migrate.redis.url (or flamingo.session.migrate.redis.host, with its username, password, database and tls) "+
			"to the Redis that Flamingo's own backend used")
	}
	if m.From != "" && s.Secret == "" {
		r.ps.Add("flamingo.session.migrate.from", m.From, "the migration needs flamingo.session.secret: set it to the secret the Flamingo application used "+
			"(it signed the file backend's cookies, and every instance derives the new session IDs from it)")
	}
	return m
}

// readMigrateRedis reads the old Redis's connection keys; when neither its
// url nor its host is set, the old Redis is the new backend's.
func readMigrateRedis(r reader, s Session) (Redis, bool) {
	red := Redis{
		URL: r.str("flamingo.session.migrate.redis.url"), Host: r.str("flamingo.session.migrate.redis.host"),
		Username: r.str("flamingo.session.migrate.redis.username"), Password: r.str("flamingo.session.migrate.redis.password"),
		Database: int(r.number("flamingo.session.migrate.redis.database")), TLS: r.bool("flamingo.session.migrate.redis.tls"),
		TLSCAFile:   r.str("flamingo.session.migrate.redis.tlsCAFile"),
		ClusterMode: r.bool("flamingo.session.migrate.redis.clusterMode"), Timeout: s.Redis.Timeout,
	}
	if strings.TrimSpace(red.URL) == "" && strings.TrimSpace(red.Host) == "" {
		return s.Redis, false
	}
	return red, true
}

func secrets(r reader) (string, []string) {
	k, v := r.value("flamingo.session.secret")
	secret, ok := v.(string)
	if !ok {
		r.bad(k, v, "is "+typeName(v)+", not a string")
	}
	return secret, r.strings("flamingo.session.previousSecrets")
}

func readRedis(r reader) Redis {
	red := Redis{
		URL: r.str("flamingo.session.redis.url"), Host: r.str("flamingo.session.redis.host"),
		Username: r.str("flamingo.session.redis.username"), Password: r.str("flamingo.session.redis.password"),
		Database:        int(r.number("flamingo.session.redis.database")),
		IdleConnections: int(r.number("flamingo.session.redis.idle.connections")),
		TLS:             r.bool("flamingo.session.redis.tls"), TLSCAFile: r.str("flamingo.session.redis.tlsCAFile"),
		TLSServerName: r.str("flamingo.session.redis.tlsServerName"), ClusterMode: r.bool("flamingo.session.redis.clusterMode"),
		Timeout: r.duration("flamingo.session.redis.timeout"), KeyPrefix: r.str("flamingo.session.redis.keyPrefix"),
		PoolSize:    int(r.number("flamingo.session.redis.pool.size")),
		PoolMinIdle: int(r.number("flamingo.session.redis.pool.minIdle")),
		PoolTimeout: r.duration("flamingo.session.redis.pool.timeout"),
		Sentinel: RedisSentinel{
			Master: r.str("flamingo.session.redis.sentinel.master"), Addresses: r.str("flamingo.session.redis.sentinel.addresses"),
			Username: r.str("flamingo.session.redis.sentinel.username"), Password: r.str("flamingo.session.redis.sentinel.password"),
		},
	}
	red.ClusterReloadInterval = r.duration("flamingo.session.redis.clusterReloadInterval")
	red.WaitReplicas = int(r.number("flamingo.session.redis.waitReplicas"))
	red.WaitTimeout = r.duration("flamingo.session.redis.waitTimeout")
	if red.WaitReplicas > 0 && red.WaitTimeout >= red.Timeout {
		r.ps.Add("flamingo.session.redis.waitTimeout", red.WaitTimeout.String(),
			fmt.Sprintf("is not shorter than flamingo.session.redis.timeout (%v), which would end the wait first; write a shorter duration such as \"500ms\"", red.Timeout))
	}
	return red
}

func sameSite(v string) http.SameSite {
	switch v {
	case "strict":
		return http.SameSiteStrictMode
	case "none":
		return http.SameSiteNoneMode
	case "default":
		return http.SameSiteDefaultMode
	}
	return http.SameSiteLaxMode
}

// migrateFrom checks flamingo.session.migrate.from.
func migrateFrom(v any) string {
	switch v.(string) {
	case "", "redis", "file":
		return ""
	}
	return "is not one of Flamingo's backends that sessions can be migrated from"
}
