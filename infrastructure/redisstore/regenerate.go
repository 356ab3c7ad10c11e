package redisstore

import (
	"context"
	_ "embed"
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
	old, renamed := r.key(c.PreviousID), r.key(c.ID)
	keys := []string{old, renamed, r.bigKey(old), r.bigKey(renamed)}
	args := make([]any, 5, 5+2*len(c.Set)+len(c.Deleted))
	args[0], args[1], args[2] = ttl(expires), strconv.FormatInt(expires.UnixMilli(), 10), r.cfg.MaxSize
	args, args[3], args[4] = r.appendPairs(args, c.Set)
	for _, k := range c.Deleted {
		args = append(args, valuePrefix+k)
	}
	return r.runWrite(ctx, "regenerate", regenerateScript, regenerateSource, keys, args,
		"it expired or was destroyed or regenerated since it was loaded")
}

// ttl is the time to live in milliseconds of a record that expires at
// expires; at least 1, as PEXPIRE deletes at once with 0.
func ttl(expires time.Time) int64 {
	return max(time.Until(expires).Milliseconds(), 1)
}
