package sessionauth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"

	"flamingo.me/dingo"
	"github.com/redis/go-redis/v9"

	"github.com/sessionauth/sessionauth/config"
	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/infrastructure/legacysession"
	"github.com/sessionauth/sessionauth/infrastructure/redisstore"
)

// migration builds one injector's migrator from Flamingo's own backend
// (flamingo.session.migrate.from) once, when first needed or at the
// start-up check, whichever is first.
type migration struct {
	settings config.Session
	once     sync.Once
	source   legacysession.Source
	err      error // why there is no source

	build    sync.Once
	migrator domain.SessionMigrator
}

// check is the start-up check: the old Redis's connection keys must make a
// client, and Redis given by the migrate.redis.* keys must answer.
func (m *migration) check(st *startup) func(*dingo.Injector) {
	return func(*dingo.Injector) {
		m.prepare()
		if m.err != nil {
			ps := new(config.Problems)
			ps.AddError("flamingo.session.migrate.from", m.settings.Migrate.From, m.err)
			st.add(ps)
		}
	}
}

// of returns the migrator into repo, logging to log, or nil when no migration is
// configured or the old store cannot be reached.
func (m *migration) of(repo domain.SessionRepository, log *slog.Logger) domain.SessionMigrator {
	m.build.Do(func() {
		m.prepare()
		if m.err != nil {
			log.Error("sessionauth: no session migration: the old Redis cannot be reached (flamingo.session.migrate.*)", "error", m.err)
		}
		if m.source != nil {
			s := m.settings
			m.migrator = legacysession.New(repo, m.source, legacysession.Options{Key: []byte(s.Secret), Logger: log})
		}
	})
	return m.migrator
}

// prepare makes the source once.
func (m *migration) prepare() {
	m.once.Do(func() { m.source, m.err = m.newSource() })
}

// newSource is the old store: Flamingo's Redis backend at the old Redis's
// keys, or its file backend, whose files and cookies were signed with the
// secrets.
func (m *migration) newSource() (legacysession.Source, error) {
	s := m.settings
	switch s.Migrate.From {
	case "redis":
		client, err := m.oldRedis()
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

// oldRedis is the client of the old Redis: the new backend's connection
// keys, or the migrate.redis.* keys, then checked to answer, and the keys
// in its errors named as written.
func (m *migration) oldRedis() (redis.UniversalClient, error) {
	r, own := m.settings.Migrate.Redis, m.settings.Migrate.OwnRedis
	client, err := redisstore.NewClient(redisstore.ClientOptions{
		URL: r.URL, Host: r.Host, Username: r.Username, Password: r.Password, Database: r.Database,
		IdleConnections: r.IdleConnections, TLS: r.TLS, TLSCAFile: r.TLSCAFile, TLSServerName: r.TLSServerName,
		ClusterMode: r.ClusterMode, Timeout: r.Timeout,
	})
	if err != nil || !own {
		return client, migrateKeys(err, own)
	}
	ctx, cancel := context.WithTimeout(context.Background(), r.Timeout)
	defer cancel()
	if err := client.Ping(ctx).Err(); err != nil {
		_ = client.Close()
		key, value := "flamingo.session.migrate.redis.host", r.Host
		if r.URL != "" {
			key, value = "flamingo.session.migrate.redis.url", r.URL
		}
		return nil, fmt.Errorf("config key %s = %s: the old Redis does not answer within %v (flamingo.session.redis.timeout): %v; "+
			"check the address, credentials and TLS settings of the Redis that Flamingo's own backend used, and that it is running", key, config.Show(key, value), r.Timeout, err)
	}
	return client, nil
}

// migrateKeys words err, about the connection keys of the new backend, for
// the migrate.redis.* keys when they were used.
func migrateKeys(err error, own bool) error {
	if err == nil || !own {
		return err
	}
	msg := err.Error()
	for _, k := range []string{"url", "host", "username", "password", "database", "tls", "tlsCAFile", "clusterMode"} {
		msg = strings.ReplaceAll(msg, "flamingo.session.redis."+k+" ", "flamingo.session.migrate.redis."+k+" ")
	}
	return errors.New(msg)
}
