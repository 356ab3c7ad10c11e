// Package legacysession moves the sessions of Flamingo v3's own session
// backends into a sessionauth repository, one visitor at a time, as their
// cookies come in: a shop switches its session store without logging
// anyone out or emptying any cart.
//
// Flamingo keeps a session as gorilla/sessions does: gob-encoded Values
// under a random ID. Its Redis backend (rbcervilla/redisstore) puts the ID
// in the cookie unsigned and the values under keyPrefix + ID; its file
// backend (gorilla's FilesystemStore) signs the ID into the cookie with
// flamingo.session.secret and writes the signed values to session_<ID>.
// Redis and File read those records; a Migrator claims one, writes its
// values under a new session ID and deletes it:
//
//	m := legacysession.New(repo, legacysession.Redis(client, "session:", maxSize), legacysession.Options{Key: []byte(secret)})
//	s, err := m.Migrate(ctx, cookie.Value) // nil, nil: no old session
//
// The new ID is derived from the old one with HMAC-SHA256 under Key, so
// that parallel requests of one visitor, in one process or several, agree
// on it without talking to each other: exactly one of them claims the old
// record and writes the session, the others wait for it and load it. The
// claim outlives the move by a short window (Options.Window); after it,
// the old cookie opens nothing.
package legacysession

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/sessionauth/sessionauth/domain"
)

// Options configure a Migrator. A zero field means its default.
type Options struct {
	// Key derives the new session IDs from the old ones; every process of
	// the application needs the same key (flamingo.session.secret). Without
	// one, New makes a random key, which only one process can use.
	Key []byte
	// Drop lists prefixes of keys that are not carried over; by default
	// "core.auth.", the login state of Flamingo's core/auth (see DropAuth).
	Drop []string
	// Wait is how long a request waits for a parallel request of the same
	// visitor that is migrating the session; 2 seconds by default.
	Wait time.Duration
	// Window is how long the old cookie still opens the new session after
	// the move, for the visitor's parallel requests, and how long a claim
	// of a process that stopped half-way blocks the record; 30 seconds by
	// default, at least Wait. After it the old cookie is an unknown one.
	Window time.Duration
	// Logger receives what could not be carried over; slog.Default() by default.
	Logger *slog.Logger
}

// DropAuth is the default of Options.Drop: the keys of Flamingo's
// core/auth module (its tokens, ID token and pending login states). Their
// owners are logged out, with the rest of their session kept: sessionauth's
// login keeps its own identity, which Flamingo's core/auth never wrote.
var DropAuth = []string{"core.auth."}

// Migrator moves sessions from a Source into a repository; it is a
// domain.SessionMigrator. A Migrator is safe for concurrent use.
type Migrator struct {
	repo   domain.SessionRepository
	source Source
	opts   Options
}

var _ domain.SessionMigrator = (*Migrator)(nil)

// New returns a migrator from source into repo.
func New(repo domain.SessionRepository, source Source, opts Options) *Migrator {
	if len(opts.Key) == 0 {
		opts.Key = []byte(domain.NewSessionID())
	}
	if opts.Drop == nil {
		opts.Drop = DropAuth
	}
	if opts.Wait <= 0 {
		opts.Wait = 2 * time.Second
	}
	if opts.Window <= 0 {
		opts.Window = 30 * time.Second
	}
	opts.Window = max(opts.Window, opts.Wait)
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	return &Migrator{repo: repo, source: source, opts: opts}
}

// Migrate returns the session the old store's cookie value names, moved
// into the repository; see domain.SessionMigrator. Records that cannot be
// decoded (a value of a type not registered with gob.Register) or that are
// larger than the size limit stay where they are, are logged, and yield
// nil: the visitor gets a new session.
func (m *Migrator) Migrate(ctx context.Context, cookie string) (*domain.Session, error) {
	oldID, ok := m.source.id(cookie)
	if !ok {
		return nil, nil
	}
	return m.MigrateID(ctx, oldID)
}

// MigrateID moves the old session stored under oldID, as Migrate does for
// the cookie that names it; for a migration of the whole store ahead of
// the visitors' return, which finds the IDs in the store (RedisID,
// FileID), not in cookies.
func (m *Migrator) MigrateID(ctx context.Context, oldID string) (*domain.Session, error) {
	if !validID(oldID) {
		return nil, nil
	}
	newID := m.newID(oldID)
	c, err := m.source.claim(ctx, oldID, m.opts.Window)
	switch {
	case errors.Is(err, errUnreadable):
		m.opts.Logger.LogAttrs(ctx, slog.LevelError, "legacy session migration: the old session stays where it is and the visitor gets a new one",
			slog.String("source", m.source.name()), slog.Any("error", err))
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("legacy session migration: %s: %w", m.source.name(), err)
	case c == nil:
		return nil, nil // there never was such a session, or it moved longer than Window ago
	case c.inFlight:
		return m.await(ctx, newID) // being moved, or moved less than Window ago
	}
	return m.move(ctx, c, newID)
}

// move writes the claimed values under newID and deletes the old record;
// when the write fails, the old record is released untouched.
func (m *Migrator) move(ctx context.Context, c *claim, newID string) (*domain.Session, error) {
	s := domain.NewSessionWithID(newID)
	for k, v := range c.values {
		if !m.dropped(k) {
			s.Values[k] = v
		}
	}
	if err := m.repo.Save(ctx, s); err != nil {
		err = errors.Join(err, m.source.release(context.WithoutCancel(ctx), c, false))
		return nil, fmt.Errorf("legacy session migration: %s: write the new session: %w", m.source.name(), err)
	}
	if err := m.source.release(context.WithoutCancel(ctx), c, true); err != nil {
		return nil, fmt.Errorf("legacy session migration: %s: delete the old session: %w", m.source.name(), err)
	}
	return m.load(ctx, newID)
}

// await loads the session a parallel request is writing under id, until
// it is there or Wait has passed.
func (m *Migrator) await(ctx context.Context, id string) (*domain.Session, error) {
	deadline := time.Now().Add(m.opts.Wait)
	for pause := 5 * time.Millisecond; ; pause = min(2*pause, 100*time.Millisecond) {
		s, err := m.load(ctx, id)
		if s != nil || err != nil || time.Now().After(deadline) {
			return s, err
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("legacy session migration: wait for a parallel request: %w", ctx.Err())
		case <-time.After(pause):
		}
	}
}

// load returns the session stored under id, or nil when there is none.
func (m *Migrator) load(ctx context.Context, id string) (*domain.Session, error) {
	s, err := m.repo.Load(ctx, id)
	switch {
	case errors.Is(err, domain.ErrSessionNotFound):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("legacy session migration: load the new session: %w", err)
	}
	return s, nil
}

// newID derives the new session ID from the old one.
func (m *Migrator) newID(oldID string) string {
	mac := hmac.New(sha256.New, m.opts.Key)
	mac.Write([]byte("sessionauth legacy session\x00" + m.source.name() + "\x00" + oldID))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

func (m *Migrator) dropped(key string) bool {
	for _, prefix := range m.opts.Drop {
		if strings.HasPrefix(key, prefix) {
			return true
		}
	}
	return false
}
