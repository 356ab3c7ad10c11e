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
// A regenerating save is one round trip too: the regenerate script
// merges the changes into the record as it is now (keeping what concurrent
// requests saved since Load) and renames it to the new ID in one atomic
// step, so the old ID stops working at the moment the new one starts. The
// new ID lies in the old one's cluster slot (see sameSlotID). When the old
// record was gone already (it expired, was destroyed, or a concurrent
// request regenerated it first) nothing is written and the save yields
// domain.ErrSessionNotFound.
func (r *Repository) Save(ctx context.Context, s *domain.Session) error {
	c, err := s.Changes(r.cfg.MaxSize)
	if err != nil {
		return fmt.Errorf("redis session repository: save: %w", err)
	}
	expires := c.ExpiresAt(time.Now(), r.cfg.MaxAge)
	switch {
	case c.Destroy:
		expires = time.Time{}
		err = r.destroy(ctx, c.ID)
	case c.PreviousID != "":
		err = r.regenerate(ctx, c, expires)
	default:
		err = r.write(ctx, c, expires)
	}
	r.written(c)
	if err != nil {
		return err
	}
	s.Saved(c, expires)
	return nil
}

func (r *Repository) destroy(ctx context.Context, id string) error {
	if err := r.del(ctx, r.key(id)); err != nil {
		return fmt.Errorf("redis session repository: destroy: %w", err)
	}
	return nil
}

// write runs the save script for c: a new record from c.All when c.New,
// else the fields of c.Set and c.Deleted on the stored record.
func (r *Repository) write(ctx context.Context, c *domain.Changes, expires time.Time) error {
	key := r.key(c.ID)
	return r.runWrite(ctx, "save", saveScript, saveSource, []string{key, r.bigKey(key)}, r.scriptArgs(c, expires),
		"it expired or was destroyed since it was loaded")
}

// runWrite runs a script that writes a session record (save or
// regenerate), sent again only when it certainly did not run, and turns
// its reply into the repository's errors: 0 when the record is gone
// (gone says how), minus the size when it would exceed the limit.
func (r *Repository) runWrite(ctx context.Context, op string, script *redis.Script, source string, keys []string, args []any, gone string) error {
	var res int64
	err := r.fo.do(ctx, keys[0], ifNotRun, func() (err error) {
		res, err = r.runScript(ctx, script, source, keys, args)
		return err
	})
	switch {
	case err != nil:
		return fmt.Errorf("redis session repository: %s: %w", op, err)
	case res == 0:
		return fmt.Errorf("redis session repository: %s: %w: %s", op, domain.ErrSessionNotFound, gone)
	case res < 0:
		return fmt.Errorf("redis session repository: %s: %w: %d bytes encoded together with the keys saved meanwhile by other requests, the limit is %d (flamingo.session.store.length)",
			op, domain.ErrSessionTooLarge, -res, r.cfg.MaxSize)
	}
	return nil
}

// scriptArgs are the save script's ARGV; see save.lua.
func (r *Repository) scriptArgs(c *domain.Changes, expires time.Time) []any {
	mode, set := "update", c.Set
	if c.New {
		mode, set = "create", c.All
	}
	args := make([]any, 6, 6+2*len(set)+len(c.Deleted))
	args[0], args[1], args[2], args[3] = mode, ttl(expires), strconv.FormatInt(expires.UnixMilli(), 10), r.cfg.MaxSize
	args, n, b := r.appendPairs(args, set)
	args[4], args[5] = n, b
	for _, k := range c.Deleted {
		args = append(args, valuePrefix+k)
	}
	return args
}

// appendPairs appends the field/value pairs of set to args: first the n
// that go in the session's hash, then the b that go in its big-values
// hash (see pack.go), each value in its stored form.
func (r *Repository) appendPairs(args []any, set map[string][]byte) (_ []any, n, b int) {
	var big []any
	for k, v := range set {
		field, stored := valuePrefix+k, pack(v)
		if r.big != bigNone && (len(field) > listpackValueMax || len(stored) > listpackValueMax) {
			big = append(big, field, stored)
			continue
		}
		args = append(args, field, stored)
		n++
	}
	return append(args, big...), n, len(big) / 2
}
