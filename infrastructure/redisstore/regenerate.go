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

//go:embed regenerate.lua
var regenerateSource string

// regenerateScript moves a session to a new ID; see regenerate.lua.
var regenerateScript = redis.NewScript(regenerateSource)

// regenerate moves the record of c.PreviousID, with c merged in, to a new
// ID in the same cluster slot, which replaces c.ID.
func (r *Repository) regenerate(ctx context.Context, c *domain.Changes, expires time.Time) error {
	c.ID = sameSlotID(r.cfg.KeyPrefix, c.PreviousID)
	keys := []string{r.key(c.PreviousID), r.key(c.ID)}
	args := make([]any, 0, 4+2*len(c.Set)+len(c.Deleted))
	args = append(args, ttl(expires), strconv.FormatInt(expires.UnixMilli(), 10), r.cfg.MaxSize, len(c.Set))
	for k, v := range c.Set {
		args = append(args, valuePrefix+k, v)
	}
	for _, k := range c.Deleted {
		args = append(args, valuePrefix+k)
	}
	var res int64
	err := r.fo.do(ctx, keys[0], ifNotRun, func() (err error) {
		res, err = r.runScript(ctx, regenerateScript, regenerateSource, keys, args)
		return err
	})
	switch {
	case err != nil:
		return fmt.Errorf("redis session repository: regenerate: %w", err)
	case res == 0:
		return fmt.Errorf("redis session repository: regenerate: %w: it expired or was destroyed or regenerated since it was loaded", domain.ErrSessionNotFound)
	case res < 0:
		return fmt.Errorf("redis session repository: regenerate: %w: %d bytes encoded together with the keys saved meanwhile by other requests, the limit is %d (flamingo.session.store.length)",
			domain.ErrSessionTooLarge, -res, r.cfg.MaxSize)
	}
	return nil
}

// ttl is the time to live in milliseconds of a record that expires at
// expires; at least 1, as PEXPIRE deletes at once with 0.
func ttl(expires time.Time) int64 {
	return max(time.Until(expires).Milliseconds(), 1)
}
