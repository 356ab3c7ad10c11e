package opcmd

import (
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/sessionauth/sessionauth/config"
	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/internal/backends"
)

// configFlag collects the --config files, in order.
type configFlag []string

func (c *configFlag) String() string     { return strings.Join(*c, ",") }
func (c *configFlag) Set(v string) error { *c = append(*c, v); return nil }

// OpenStore opens the session repository the configuration names, as the
// application builds it: the file backend's directory or the Redis that
// must answer. The memory backend lives inside the application's process,
// and a backend the application binds itself is not known here: both are
// errors that say so.
func OpenStore(s config.Session) (domain.SessionRepository, func(), error) {
	var repo domain.SessionRepository
	var err error
	switch s.Backend {
	case "file":
		repo, err = backends.File(nil)(s)
	case "redis":
		repo, err = backends.Redis(slog.New(slog.NewTextHandler(io.Discard, nil)), nil)(s)
	case "memory":
		return nil, nil, fmt.Errorf("flamingo.session.backend = \"memory\": the sessions live inside the application's process, out of this command's reach; " +
			"the application's own /auth/sessions page lists and ends them, or use the file or redis backend")
	case "cookie":
		switch s.CookieStore.Revocation {
		case "":
			return nil, nil, fmt.Errorf("flamingo.session.backend = \"cookie\" without flamingo.session.cookie.revocation: the sessions live in the visitors' browsers, out of this command's reach; " +
				"set flamingo.session.cookie.revocation to redis (or file) to list and end them")
		case "memory":
			return nil, nil, fmt.Errorf("flamingo.session.cookie.revocation = \"memory\": the index of sessions lives inside the application's process, out of this command's reach; " +
				"the application's own /auth/sessions page lists and ends them, or set it to redis (or file)")
		}
		repo, err = backends.Cookie(map[string]backends.Factory{"file": backends.File(nil),
			"redis": backends.Redis(slog.New(slog.NewTextHandler(io.Discard, nil)), nil)})(s)
	default:
		return nil, nil, fmt.Errorf("flamingo.session.backend = %q is not a built-in backend (file, redis, cookie); this command cannot open it", s.Backend)
	}
	if err != nil {
		return nil, nil, err
	}
	closer := func() {
		if c, ok := repo.(domain.SessionRepositoryCloser); ok {
			_ = c.Close()
		}
	}
	return repo, closer, nil
}

// loadConfig loads and checks the files of --config: a configuration with
// problems is reported as check reports it.
func loadConfig(files []string, env Env) (Checked, error) {
	if len(files) == 0 {
		return Checked{}, errUsage("name the application's configuration with --config config.yml")
	}
	cfg, err := Load(files, env.LookupEnv)
	if err != nil {
		return Checked{}, err
	}
	c := Check(cfg)
	if !c.OK() {
		return c, &config.Error{Problems: c.Problems}
	}
	return c, nil
}

// errUsage is a wrong command line.
type errUsage string

func (e errUsage) Error() string { return string(e) }
