package sessionauth

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"flamingo.me/dingo"

	"github.com/sessionauth/sessionauth/application"
	"github.com/sessionauth/sessionauth/config"
	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/infrastructure/cookiesigner"
	"github.com/sessionauth/sessionauth/interfaces/healthcheck"
)

// sessionParts builds the repository and the signer of one injector once,
// when they are first needed or at the start-up check, whichever is first.
type sessionParts struct {
	settings config.Session
	startup  *startup

	once    sync.Once
	err     error     // what build could not make, or nil
	logged  sync.Once // the log line about err
	repo    domain.SessionRepository
	indexed domain.SessionRepository // repo keeping the index of a user's sessions
	signer  domain.CookieSigner

	// inFactory is set while the backend factory runs: a factory that asks
	// for the repository it is building (the custom backend, when the
	// bound CustomSessionBackend is sessionauth's own, as inside Flamingo)
	// gets a stand-in and cycled is set, instead of waiting for itself.
	inFactory, cycled atomic.Bool
}

// namedBackends are the factories and repositories bound by name, resolved
// after every module is configured.
type namedBackends struct {
	Factories    map[string]BackendFactory           `inject:",optional"`
	Repositories map[string]domain.SessionRepository `inject:",optional"`
}

// customStore is the user's gorilla store for the custom backend.
type customStore struct {
	Store CustomSessionBackend `inject:",optional"`
}

// build makes the signer and the repository. When either cannot be made,
// the problem goes to the start-up check and a stand-in that fails every
// call with the error takes its place, so that a request answers 503 (and
// the log says why, see served) where nothing checked the start-up, as
// inside a Flamingo application without eager singletons.
func (p *sessionParts) build(injector *dingo.Injector) {
	p.once.Do(func() {
		ps := new(config.Problems)
		log := loggerOf(injector)
		p.signer = newSigner(p.settings, ps, log)
		p.inFactory.Store(true)
		p.repo = newRepository(injector, p.settings, ps)
		p.inFactory.Store(false)
		if p.cycled.Load() {
			p.repo = nil
			ps.Add("flamingo.session.backend", p.settings.Backend, "the backend is built from sessionauth's own repository, which is this backend; "+
				"inside Flamingo, set flamingo.session.repository to memory, file or redis")
		}
		p.startup.add(ps)
		if err := ps.Err(); err != nil {
			p.err = err
			b := broken{err: err}
			if p.signer == nil {
				p.signer = b
			}
			if p.repo == nil {
				p.repo = b
			}
		}
		p.indexed = application.NewIndexedRepository(p.repo, p.settings.MaxAge)
	})
}

// broken stands in for a signer or repository that could not be built.
type broken struct{ err error }

func (b broken) Load(context.Context, string) (*domain.Session, error) { return nil, b.err }
func (b broken) Save(context.Context, *domain.Session) error           { return b.err }
func (b broken) Delete(context.Context, string) error                  { return b.err }
func (b broken) Sign(string) (string, error)                           { return "", b.err }
func (b broken) Verify(string) (string, error)                         { return "", b.err }
func (b broken) Status() (bool, string)                                { return false, b.err.Error() }

func (p *sessionParts) repository() domain.SessionRepository {
	if p.inFactory.Load() {
		p.cycled.Store(true)
		return broken{err: errors.New("the session repository is still being built")}
	}
	p.served()
	return p.repo
}

// served builds the parts for a component that will serve requests: when
// they cannot be made, the start-up check did not stop the start (its
// error would have been returned instead), so the log says once that
// every request fails.
func (p *sessionParts) served() {
	p.build(p.startup.injector)
	if p.err != nil {
		p.logged.Do(func() {
			loggerOf(p.startup.injector).Error("sessionauth: the session backend cannot start; every request fails until the configuration is fixed", "error", p.err)
		})
	}
}

// indexedRepository is the repository as the middleware and the gorilla
// store save through it: keeping the index of a user's sessions when the
// repository has one (application.NewIndexedRepository).
func (p *sessionParts) indexedRepository() domain.SessionRepository {
	if p.repository() == nil {
		return nil
	}
	return p.indexed
}

func (p *sessionParts) cookieSigner() domain.CookieSigner {
	p.served()
	return p.signer
}

func (p *sessionParts) health() healthcheck.Status {
	st, _ := p.repository().(healthcheck.Status)
	return st
}

// newRepository finds the backend by name: a factory, else a repository
// bound by that name.
func newRepository(injector *dingo.Injector, s config.Session, ps *config.Problems) domain.SessionRepository {
	v, err := injector.GetInstance(new(namedBackends))
	if err != nil {
		ps.AddError("flamingo.session.backend", s.Backend, err)
		return nil
	}
	b := v.(*namedBackends)
	if factory, ok := b.Factories[s.Backend]; ok && factory != nil {
		repo, err := factory(s)
		if err != nil {
			ps.AddError("flamingo.session.backend", s.Backend, err)
		}
		return repo
	}
	if repo, ok := b.Repositories[s.Backend]; ok {
		return repo
	}
	names := slices.Sorted(maps.Keys(b.Factories))
	names = append(names, slices.Sorted(maps.Keys(b.Repositories))...)
	ps.Add("flamingo.session.backend", s.Backend, "no such backend; write one of "+config.Alternatives(names)+
		" (a name your module binds with injector.BindMap(new(sessionauth.BackendFactory), name))")
	return nil
}

// newSigner builds the cookie signer: the secret signs, every secret
// verifies. Without a secret it signs with a random key and warns.
func newSigner(s config.Session, ps *config.Problems, log *slog.Logger) domain.CookieSigner {
	secret := s.Secret
	switch secret {
	case "":
		key := make([]byte, 32)
		_, _ = rand.Read(key)
		secret = hex.EncodeToString(key)
		log.Warn("sessionauth: flamingo.session.secret is not set; cookies are signed with a random key, so sessions end when the process restarts and cannot be shared between instances. Set flamingo.session.secret.")
	case config.FlamingoDefaultSecret:
		log.Warn("sessionauth: flamingo.session.secret is Flamingo's published default; anyone can sign cookies with it. Set a secret of your own.")
	default:
		warnShortSecrets(s, log)
	}
	signer, err := cookiesigner.New(s.Name, append([]string{secret}, s.Previous...), s.MaxAge)
	if err != nil {
		ps.AddError("flamingo.session.secret", nil, err)
		return nil
	}
	return signer
}

// minSecret is the shortest session secret, in bytes, that is not worth
// guessing.
const minSecret = 32

// warnShortSecrets warns about the secrets shorter than minSecret, by key;
// never their value, nor their length.
func warnShortSecrets(s config.Session, log *slog.Logger) {
	var keys []string
	if len(s.Secret) < minSecret {
		keys = append(keys, "flamingo.session.secret")
	}
	for i, p := range s.Previous {
		if len(p) < minSecret {
			keys = append(keys, fmt.Sprintf("flamingo.session.previousSecrets[%d]", i))
		}
	}
	verb := " is"
	if len(keys) > 1 {
		verb = " are"
	}
	if len(keys) > 0 {
		log.Warn("sessionauth: " + strings.Join(keys, ", ") + verb + " shorter than 32 bytes: with one session cookie an attacker can try keys " +
			"offline until the signature matches, then sign cookies of any session. Make a secret of 32 random bytes with " +
			"`openssl rand -base64 32` or `head -c 32 /dev/urandom | base64`.")
	}
}
