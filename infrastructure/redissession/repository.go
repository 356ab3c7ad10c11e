// Package redissession stores sessions in Redis (standalone or cluster,
// with TLS and ACL users) through go-redis's UniversalClient.
//
// Each session is one hash, <prefix><id>, so it never spans cluster slots.
// Its fields are the session's keys prefixed with "v:" and one meta field,
// "m", holding the expiry in Unix milliseconds. Load is one HGETALL; a save
// is one Lua script that writes only the changed fields, refreshes the
// expiry and refuses to recreate a session that vanished.
package redissession

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/sessionauth/sessionauth/domain"
)

const (
	valuePrefix = "v:"
	metaField   = "m"
	// defaultMaxAge applies when Config.MaxAge is zero.
	defaultMaxAge = 30 * 24 * time.Hour
)

//go:embed save.lua
var saveSource string

var saveScript = redis.NewScript(saveSource)

// Config configures a Repository.
type Config struct {
	// KeyPrefix is put before every session key
	// (flamingo.session.redis.keyPrefix).
	KeyPrefix string
	// MaxAge is how long a session lives after its last save
	// (flamingo.session.max.age); zero means 30 days.
	MaxAge time.Duration
	// MaxSize limits a session's encoded size in bytes
	// (flamingo.session.store.length); zero means no limit.
	MaxSize int
}

// Repository is a domain.SessionRepository on Redis.
type Repository struct {
	client redis.UniversalClient
	cfg    Config
}

var _ domain.SessionRepository = (*Repository)(nil)

// New returns a repository on client. It does not contact Redis.
func New(client redis.UniversalClient, cfg Config) *Repository {
	if cfg.MaxAge <= 0 {
		cfg.MaxAge = defaultMaxAge
	}
	return &Repository{client: client, cfg: cfg}
}

func (r *Repository) key(id string) string { return r.cfg.KeyPrefix + id }

// Load reads the session in one round trip.
func (r *Repository) Load(ctx context.Context, id string) (*domain.Session, error) {
	if !domain.ValidSessionID(id) {
		return nil, fmt.Errorf("redis session repository: load: %w", domain.ErrSessionNotFound)
	}
	fields, err := r.client.HGetAll(ctx, r.key(id)).Result()
	if isWrongType(err) {
		return nil, fmt.Errorf("redis session repository: load: %w: the key is not a session hash", domain.ErrSessionNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("redis session repository: load: %w", err)
	}
	expires, ok := parseExpiry(fields[metaField])
	if !ok {
		return nil, fmt.Errorf("redis session repository: load: %w", domain.ErrSessionNotFound)
	}
	data := make(map[string][]byte, len(fields)-1)
	for f, v := range fields {
		if k, ok := strings.CutPrefix(f, valuePrefix); ok {
			data[k] = []byte(v)
		}
	}
	return domain.RestoreSession(id, data, expires), nil
}

// Save writes the changes of s; see domain.SessionRepository. A plain or
// new save is one round trip; a regenerating save deletes the old record
// first (so that of two concurrent regenerations only one succeeds) and
// then creates the new one, two round trips that also work in cluster
// mode, where the two keys live in different slots.
func (r *Repository) Save(ctx context.Context, s *domain.Session) error {
	c, err := s.Changes(r.cfg.MaxSize)
	if err != nil {
		return fmt.Errorf("redis session repository: save: %w", err)
	}
	if c.Destroy {
		if err := r.client.Del(ctx, r.key(c.ID)).Err(); err != nil {
			return fmt.Errorf("redis session repository: destroy: %w", err)
		}
		s.Saved(c, time.Time{})
		return nil
	}
	if c.PreviousID != "" {
		if err := r.takeOver(ctx, c.PreviousID); err != nil {
			return err
		}
	}
	expires := time.Now().Add(r.cfg.MaxAge)
	if err := r.write(ctx, c, expires); err != nil {
		return err
	}
	s.Saved(c, expires)
	return nil
}

// takeOver deletes the record a regenerated session leaves; a record that
// is gone already means the session vanished.
func (r *Repository) takeOver(ctx context.Context, previousID string) error {
	n, err := r.client.Del(ctx, r.key(previousID)).Result()
	if err != nil {
		return fmt.Errorf("redis session repository: regenerate: %w", err)
	}
	if n == 0 {
		return fmt.Errorf("redis session repository: regenerate: %w", domain.ErrSessionNotFound)
	}
	return nil
}

func (r *Repository) write(ctx context.Context, c *domain.Changes, expires time.Time) error {
	mode, set := "update", c.Set
	if c.New {
		mode, set = "create", c.All
	}
	args := make([]interface{}, 0, 4+2*len(set)+len(c.Deleted))
	args = append(args, mode, r.cfg.MaxAge.Milliseconds(), strconv.FormatInt(expires.UnixMilli(), 10), len(set))
	for k, v := range set {
		args = append(args, valuePrefix+k, v)
	}
	for _, k := range c.Deleted {
		args = append(args, valuePrefix+k)
	}
	written, err := saveScript.Run(ctx, r.client, []string{r.key(c.ID)}, args...).Int()
	if isWrongType(err) || err == nil && written == 0 {
		return fmt.Errorf("redis session repository: save: %w: it expired or was deleted since it was loaded", domain.ErrSessionNotFound)
	}
	if err != nil {
		return fmt.Errorf("redis session repository: save: %w", err)
	}
	return nil
}

// Delete removes the session; a missing one is no error.
func (r *Repository) Delete(ctx context.Context, id string) error {
	if !domain.ValidSessionID(id) {
		return nil
	}
	if err := r.client.Del(ctx, r.key(id)).Err(); err != nil {
		return fmt.Errorf("redis session repository: delete: %w", err)
	}
	return nil
}

// Ping checks that Redis answers.
func (r *Repository) Ping(ctx context.Context) error {
	return r.client.Ping(ctx).Err()
}

// Status is the health check: Redis answers PING within two seconds.
func (r *Repository) Status() (bool, string) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := r.Ping(ctx); err != nil {
		return false, "redis: " + err.Error()
	}
	return true, "redis answers PING"
}

func parseExpiry(v string) (time.Time, bool) {
	ms, err := strconv.ParseInt(v, 10, 64)
	if err != nil || ms <= 0 {
		return time.Time{}, false
	}
	return time.UnixMilli(ms), true
}

func isWrongType(err error) bool {
	var rerr redis.Error
	return errors.As(err, &rerr) && strings.HasPrefix(rerr.Error(), "WRONGTYPE")
}
