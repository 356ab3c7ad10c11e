package sessionauth

import (
	"log/slog"
	"sync"

	"github.com/sessionauth/sessionauth/config"
	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/infrastructure/legacysession"
	"github.com/sessionauth/sessionauth/infrastructure/redisstore"
)

// migration builds one injector's migrator from Flamingo's own backend
// (flamingo.session.migrate.from) once, when first needed.
type migration struct {
	settings config.Session
	once     sync.Once
	migrator domain.SessionMigrator
}

// of returns the migrator into repo, logging to log, or nil when no migration is
// configured or the old store cannot be reached.
func (m *migration) of(repo domain.SessionRepository, log *slog.Logger) domain.SessionMigrator {
	m.once.Do(func() {
		source, err := m.source()
		if err != nil {
			log.Error("sessionauth: no session migration: the old Redis cannot be reached (flamingo.session.migrate.from, flamingo.session.redis.*)", "error", err)
		}
		if source != nil {
			s := m.settings
			m.migrator = legacysession.New(repo, source, legacysession.Options{Key: []byte(s.Secret), Logger: log})
		}
	})
	return m.migrator
}

// source is the old store: Flamingo's Redis backend at the Redis keys, or
// its file backend, whose files and cookies were signed with the secrets.
func (m *migration) source() (legacysession.Source, error) {
	s := m.settings
	switch s.Migrate.From {
	case "redis":
		r := s.Redis
		client, err := redisstore.NewClient(redisstore.ClientOptions{
			URL: r.URL, Host: r.Host, Username: r.Username, Password: r.Password, Database: r.Database,
			IdleConnections: r.IdleConnections, TLS: r.TLS, TLSCAFile: r.TLSCAFile, TLSServerName: r.TLSServerName,
			ClusterMode: r.ClusterMode, Timeout: r.Timeout,
		})
		if err != nil {
			return nil, err
		}
		return legacysession.Redis(client, s.Migrate.KeyPrefix, s.MaxSize), nil
	case "file":
		return legacysession.File(legacysession.FileOptions{
			Dir: s.Migrate.File, Name: s.Name, Secrets: append([]string{s.Secret}, s.Previous...), MaxAge: s.MaxAge, MaxSize: s.MaxSize,
		}), nil
	}
	return nil, nil
}
