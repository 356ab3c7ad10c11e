package redisstore

import (
	"context"
	_ "embed"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/sessionauth/sessionauth/domain"
)

//go:embed save.lua
var saveSource string

// saveScript runs as EVALSHA; the first save on a server that does not
// know it yet falls back to EVAL once.
var saveScript = redis.NewScript(saveSource)

// Save writes the changes of s; see domain.SessionRepository.
//
// A plain save, a save without changes (it refreshes the expiry) and the
// first save of a new session are one round trip: the save script writes
// the changed fields, the meta and size fields and the TTL atomically, and
// refuses to write when a loaded session vanished meanwhile; on the
// server it reads only the fields it changes. Destroy is one DEL.
//
// A regenerating save takes two steps, the same on a standalone server
// and in a cluster, where the old and the new key live in different
// slots: it creates the record under the new ID first and then deletes the
// old one. When the old record was gone already (it expired, was
// destroyed, or a concurrent request regenerated it first), it removes
// the new record again and returns domain.ErrSessionNotFound. When the
// first step fails, the stored session stays as it was under its old ID;
// the new ID reaches the visitor only when both steps succeed (a copy
// left by a failed second step is known to nobody and expires).
func (r *Repository) Save(ctx context.Context, s *domain.Session) error {
	c, err := s.Changes(r.cfg.MaxSize)
	if err != nil {
		return fmt.Errorf("redis session repository: save: %w", err)
	}
	expires := time.Now().Add(r.cfg.MaxAge)
	switch {
	case c.Destroy:
		expires = time.Time{}
		err = r.destroy(ctx, c.ID)
	case c.PreviousID != "":
		err = r.regenerate(ctx, c, expires)
	default:
		err = r.write(ctx, c, expires)
	}
	if err != nil {
		return err
	}
	s.Saved(c, expires)
	return nil
}

func (r *Repository) destroy(ctx context.Context, id string) error {
	if err := r.client.Del(ctx, r.key(id)).Err(); err != nil {
		return fmt.Errorf("redis session repository: destroy: %w", err)
	}
	return nil
}

// regenerate creates the record under c.ID, then deletes c.PreviousID.
func (r *Repository) regenerate(ctx context.Context, c *domain.Changes, expires time.Time) error {
	if err := r.write(ctx, c, expires); err != nil {
		return err
	}
	n, err := r.client.Del(ctx, r.key(c.PreviousID)).Result()
	if err != nil {
		return fmt.Errorf("redis session repository: regenerate: delete the previous ID: %w", err)
	}
	if n == 1 {
		return nil
	}
	if err := r.client.Del(ctx, r.key(c.ID)).Err(); err != nil {
		return fmt.Errorf("redis session repository: regenerate: the session vanished since it was loaded (%w), and removing its copy under the new ID failed: %w",
			domain.ErrSessionNotFound, err)
	}
	return fmt.Errorf("redis session repository: regenerate: %w: it expired or was destroyed or regenerated since it was loaded", domain.ErrSessionNotFound)
}

// write runs the save script for c: a new record from c.All when c.New,
// else the fields of c.Set and c.Deleted on the stored record.
func (r *Repository) write(ctx context.Context, c *domain.Changes, expires time.Time) error {
	res, err := saveScript.Run(ctx, r.client, []string{r.key(c.ID)}, r.scriptArgs(c, expires)...).Int64()
	switch {
	case err != nil:
		return fmt.Errorf("redis session repository: save: %w", err)
	case res == 0:
		return fmt.Errorf("redis session repository: save: %w: it expired or was destroyed since it was loaded", domain.ErrSessionNotFound)
	case res < 0:
		return fmt.Errorf("redis session repository: save: %w: %d bytes encoded together with the keys saved meanwhile by other requests, the limit is %d (flamingo.session.store.length)",
			domain.ErrSessionTooLarge, -res, r.cfg.MaxSize)
	}
	return nil
}

// scriptArgs are the save script's ARGV; see save.lua.
func (r *Repository) scriptArgs(c *domain.Changes, expires time.Time) []any {
	mode, set := "update", c.Set
	if c.New {
		mode, set = "create", c.All
	}
	args := make([]any, 0, 5+2*len(set)+len(c.Deleted))
	args = append(args, mode, r.cfg.MaxAge.Milliseconds(), strconv.FormatInt(expires.UnixMilli(), 10), r.cfg.MaxSize, len(set))
	for k, v := range set {
		args = append(args, valuePrefix+k, v)
	}
	for _, k := range c.Deleted {
		args = append(args, valuePrefix+k)
	}
	return args
}
