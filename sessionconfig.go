package sessionauth

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// sessionConfig is the session configuration as bound by ConfigModule or by
// Flamingo's configuration module (numbers arrive as float64 there).
type sessionConfig struct {
	Backend           string  `inject:"config:flamingo.session.backend"`
	Name              string  `inject:"config:flamingo.session.name,optional"`
	Secret            string  `inject:"config:flamingo.session.secret"`
	MaxAge            float64 `inject:"config:flamingo.session.max.age"`
	StoreLength       float64 `inject:"config:flamingo.session.store.length"`
	Secure            bool    `inject:"config:flamingo.session.cookie.secure"`
	Path              string  `inject:"config:flamingo.session.cookie.path"`
	SameSite          string  `inject:"config:flamingo.session.cookie.sameSite"`
	Domain            string  `inject:"config:flamingo.session.cookie.domain,optional"`
	File              string  `inject:"config:flamingo.session.file"`
	Healthcheck       bool    `inject:"config:flamingo.session.healthcheck,optional"`
	FailureMode       string  `inject:"config:flamingo.session.failureMode,optional"`
	MemoryMaxSessions float64 `inject:"config:flamingo.session.memory.maxSessions,optional"`
	Repository        string  `inject:"config:flamingo.session.repository,optional"`

	RedisURL             string  `inject:"config:flamingo.session.redis.url"`
	RedisHost            string  `inject:"config:flamingo.session.redis.host"`
	RedisUsername        string  `inject:"config:flamingo.session.redis.username,optional"`
	RedisPassword        string  `inject:"config:flamingo.session.redis.password"`
	RedisDatabase        float64 `inject:"config:flamingo.session.redis.database,optional"`
	RedisIdleConnections float64 `inject:"config:flamingo.session.redis.idle.connections"`
	RedisTLS             bool    `inject:"config:flamingo.session.redis.tls,optional"`
	RedisTLSCAFile       string  `inject:"config:flamingo.session.redis.tlsCAFile,optional"`
	RedisTLSServerName   string  `inject:"config:flamingo.session.redis.tlsServerName,optional"`
	RedisClusterMode     bool    `inject:"config:flamingo.session.redis.clusterMode,optional"`
	RedisTimeout         string  `inject:"config:flamingo.session.redis.timeout,optional"`
	RedisKeyPrefix       string  `inject:"config:flamingo.session.redis.keyPrefix,optional"`
}

// sessionSettings is sessionConfig checked and converted.
type sessionSettings struct {
	backend        string
	name           string
	secret         string
	maxAge         time.Duration
	maxSize        int
	secure         bool
	path           string
	domain         string
	sameSite       http.SameSite
	file           string
	healthcheck    bool
	continueOnDown bool
	maxSessions    int
	redisTimeout   time.Duration
}

// configErrors collects every problem so that start-up reports them in one
// message.
type configErrors []string

func (e *configErrors) add(key string, value any, problem string) {
	*e = append(*e, fmt.Sprintf("config key %s = %#v: %s", key, value, problem))
}

func (e configErrors) err() error {
	if len(e) == 0 {
		return nil
	}
	return errors.New("sessionauth: invalid configuration:\n  " + strings.Join(e, "\n  "))
}

// settings checks c and converts it; every problem is reported at once.
func (c *sessionConfig) settings() (*sessionSettings, error) {
	var errs configErrors
	s := &sessionSettings{
		backend: c.repository(), name: c.Name, secure: c.Secure, path: c.Path, domain: c.Domain,
		file: c.File, healthcheck: c.Healthcheck,
	}
	if s.name == "" {
		s.name = "flamingo"
	}
	s.checkBackend(c, &errs)
	s.secret = c.Secret
	s.maxAge = time.Duration(wholeNumber(&errs, "flamingo.session.max.age", c.MaxAge, 1, "a number of seconds, e.g. 2592000 for 30 days")) * time.Second
	s.maxSize = int(wholeNumber(&errs, "flamingo.session.store.length", c.StoreLength, 0, "a number of bytes, 0 for no limit"))
	s.maxSessions = int(wholeNumber(&errs, "flamingo.session.memory.maxSessions", c.MemoryMaxSessions, 0, "a number of sessions, 0 for no cap"))
	s.sameSite = sameSite(&errs, c.SameSite)
	s.continueOnDown = failureMode(&errs, c.FailureMode)
	if !strings.HasPrefix(s.path, "/") {
		errs.add("flamingo.session.cookie.path", c.Path, `must start with "/", e.g. "/"`)
	}
	if s.backend == "redis" {
		s.redisTimeout = redisTimeout(&errs, c.RedisTimeout)
	}
	return s, errs.err()
}

// repository is the backend sessionauth stores sessions in:
// flamingo.session.repository when set, else flamingo.session.backend. Inside
// Flamingo the backend is "custom" (sessionauth behind Flamingo's sessions)
// and the repository names sessionauth's own backend.
func (c *sessionConfig) repository() string {
	if c.Repository != "" {
		return c.Repository
	}
	return c.Backend
}

// checkBackend checks what can be checked before the other modules are
// configured; a backend name of the user's own is resolved later.
func (s *sessionSettings) checkBackend(c *sessionConfig, errs *configErrors) {
	if strings.TrimSpace(c.repository()) == "" {
		errs.add("flamingo.session.backend", c.Backend, "use memory, file, redis, custom, or the name under which your module binds a domain.SessionRepository with injector.BindMap")
	}
	if c.repository() == "file" && strings.TrimSpace(c.File) == "" {
		errs.add("flamingo.session.file", c.File, "the file backend needs a directory, e.g. /var/lib/myapp/sessions")
	}
}

// stringList reads a list of non-empty strings.
func stringList(errs *configErrors, key string, list []any) []string {
	out := make([]string, 0, len(list))
	for i, v := range list {
		str, ok := v.(string)
		if !ok || str == "" {
			errs.add(fmt.Sprintf("%s[%d]", key, i), v, "must be a non-empty string")
			continue
		}
		out = append(out, str)
	}
	return out
}

func wholeNumber(errs *configErrors, key string, v float64, min float64, want string) float64 {
	if v != math.Trunc(v) || v < min || v > 1<<53 {
		errs.add(key, v, "must be "+want)
		return min
	}
	return v
}

func sameSite(errs *configErrors, v string) http.SameSite {
	switch v {
	case "lax":
		return http.SameSiteLaxMode
	case "strict":
		return http.SameSiteStrictMode
	case "none":
		return http.SameSiteNoneMode
	case "default":
		return http.SameSiteDefaultMode
	}
	errs.add("flamingo.session.cookie.sameSite", v, "use lax, strict, none or default")
	return http.SameSiteLaxMode
}

func failureMode(errs *configErrors, v string) bool {
	switch v {
	case "", "fail":
		return false
	case "continue":
		return true
	}
	errs.add("flamingo.session.failureMode", v, "use fail (answer 503 when the backend is down) or continue (go on with a fresh session that is not saved)")
	return false
}

func redisTimeout(errs *configErrors, v string) time.Duration {
	if v == "" {
		return 5 * time.Second
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		errs.add("flamingo.session.redis.timeout", v, `must be a positive duration such as "5s" or "500ms"`)
		return 5 * time.Second
	}
	return d
}

// redactURL hides the password of a Redis URL in messages.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}
