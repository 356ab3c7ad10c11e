package opcmd

import (
	"fmt"
	"maps"
	"os"
	"slices"

	"github.com/sessionauth/sessionauth/config"
	"github.com/sessionauth/sessionauth/infrastructure/cookiesigner"
	"github.com/sessionauth/sessionauth/infrastructure/redisstore"
	"github.com/sessionauth/sessionauth/internal/backends"
	"github.com/sessionauth/sessionauth/internal/brokers"
)

// Checked is a configuration as the library reads it: its problems, with
// the library's messages, what deserves a warning, and the values read.
type Checked struct {
	Problems []config.Problem
	Warnings []string
	Values   config.Values
	Session  config.Session
	Auth     config.Auth
}

// OK tells whether the configuration has no problem.
func (c Checked) OK() bool { return len(c.Problems) == 0 }

// Check checks cfg as the library does at start-up, without touching the
// network or the disk: every problem at once, in the order of the keys.
// The backends and broker types it knows are the built-in ones; a name an
// application binds in its own code is a warning, not a problem.
func Check(cfg map[string]any) Checked {
	ps := new(config.Problems)
	v, nps := config.Normalize(cfg)
	s, sps := config.ReadSession(v)
	a, aps := config.ReadAuth(v)
	ps.Join(nps)
	ps.Join(sps)
	ps.Join(aps)
	c := Checked{Values: v, Session: s, Auth: a}
	c.Warnings = append(c.Warnings, checkBrokers(a, ps)...)
	c.Warnings = append(c.Warnings, checkBackend(s, ps)...)
	c.Warnings = append(c.Warnings, secretWarnings(s, a)...)
	if err := ps.Err(); err != nil {
		c.Problems = err.(*config.Error).Problems
	}
	return c
}

// builtinBrokers are the broker factories the library binds, by typ.
var builtinBrokers = map[string]func(config.Broker) error{
	"oidc": func(b config.Broker) error { _, err := brokers.OIDC(b); return err },
	"fake": func(b config.Broker) error { _, err := brokers.Fake(b); return err },
}

// checkBrokers builds every broker of a built-in type, recording its
// problems as the library's start-up does; none of them connects.
func checkBrokers(a config.Auth, ps *config.Problems) []string {
	var warnings []string
	for _, b := range a.Brokers {
		build, ok := builtinBrokers[b.Type]
		if !ok {
			warnings = append(warnings, fmt.Sprintf("%s.typ = %q is not a built-in broker type (%s): unless the application binds a sessionauth.BrokerFactory under that name, it does not start",
				b.Key, b.Type, config.Alternatives(slices.Sorted(maps.Keys(builtinBrokers)))))
			continue
		}
		recorded := ps.Len()
		if err := build(b.ReportTo(ps)); err != nil && ps.Len() == recorded {
			ps.AddError(b.Key, b.Name, err)
		}
	}
	return warnings
}

// checkBackend checks what the backend needs besides its keys' values:
// a cookie signer made of the secrets, a Redis client made of the
// connection keys, a session directory.
func checkBackend(s config.Session, ps *config.Problems) []string {
	secret := s.Secret
	if secret == "" {
		secret = "a random key of the process, as the library makes one"
	}
	if _, err := cookiesigner.New(s.Name, append([]string{secret}, s.Previous...), s.MaxAge); err != nil {
		ps.AddError("flamingo.session.secret", nil, err)
	}
	if s.Migrate.From == "redis" && s.Migrate.OwnRedis {
		if _, err := redisstore.NewClient(backends.ClientOptions(s.Migrate.Redis)); err != nil {
			ps.AddError("flamingo.session.migrate.from", s.Migrate.From, err)
		}
	}
	switch s.Backend {
	case "memory":
		return []string{"flamingo.session.backend = \"memory\": the sessions live inside each application process; they end when it restarts and are not shared between instances"}
	case "file":
		return fileWarnings(s.File)
	case "redis":
		if _, err := redisstore.NewClient(backends.ClientOptions(s.Redis)); err != nil {
			ps.AddError("flamingo.session.backend", s.Backend, err)
		}
		return nil
	case "cookie":
		return cookieWarnings(s, ps)
	}
	return []string{fmt.Sprintf("flamingo.session.backend = %q is not a built-in backend (memory, file, redis, cookie): the application's code binds it; this command cannot check it", s.Backend)}
}

// cookieWarnings checks the revocation store of the cookie backend: the
// Redis client its keys make, or the directory; and says what the choice
// means.
func cookieWarnings(s config.Session, ps *config.Problems) []string {
	switch s.CookieStore.Revocation {
	case "":
		return []string{"flamingo.session.backend = \"cookie\" without flamingo.session.cookie.revocation: the sessions live in the visitors' browsers; " +
			"a copy of the cookies works until its lifetimes run out, and the sessions page, \"log out everywhere\" and back-channel logout cannot end other sessions (501); " +
			"set flamingo.session.cookie.revocation to redis (or file) for them"}
	case "memory":
		return []string{"flamingo.session.cookie.revocation = \"memory\": ended sessions are remembered inside each application process only; " +
			"with more than one instance, or across a restart, use redis (or file on a shared directory)"}
	case "file":
		return fileWarnings(s.File)
	case "redis":
		if _, err := redisstore.NewClient(backends.ClientOptions(s.Redis)); err != nil {
			ps.AddError("flamingo.session.cookie.revocation", s.CookieStore.Revocation, err)
		}
	}
	return nil
}

func fileWarnings(dir string) []string {
	info, err := os.Stat(dir)
	switch {
	case os.IsNotExist(err):
		return []string{fmt.Sprintf("flamingo.session.file = %q does not exist here; the application creates it at start-up (this command checks the machine it runs on)", dir)}
	case err != nil:
		return []string{fmt.Sprintf("flamingo.session.file = %q: %v", dir, err)}
	case !info.IsDir():
		return []string{fmt.Sprintf("flamingo.session.file = %q is a file, not a directory; the application cannot start with it", dir)}
	}
	return nil
}

// secretWarnings are the library's start-up warnings about secrets.
func secretWarnings(s config.Session, a config.Auth) []string {
	var out []string
	switch {
	case s.Secret == "":
		out = append(out, "flamingo.session.secret is not set: cookies are signed with a random key of each process, so sessions end at a restart and are not shared between instances")
	case s.Secret == config.FlamingoDefaultSecret:
		out = append(out, "flamingo.session.secret is Flamingo's published default: anyone can sign cookies with it; set a secret of your own")
	case len(s.Secret) < 32:
		out = append(out, "flamingo.session.secret is shorter than 32 bytes: make one with `openssl rand -base64 32`")
	}
	if len(a.Brokers) > 0 && len(a.TokenKeys) == 0 {
		out = append(out, "core.auth.web.tokenKey is not set: the identity's tokens are sealed with a random key of each process; logins do not survive a restart or reach another instance")
	}
	return out
}
