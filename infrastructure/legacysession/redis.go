package legacysession

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// redisSource reads the records of Flamingo's Redis backend
// (rbcervilla/redisstore): gob-encoded Values under keyPrefix + ID, the ID
// unsigned in the cookie.
type redisSource struct {
	client  redis.UniversalClient
	prefix  string
	maxSize int
}

// Redis is the Source of Flamingo's Redis backend on client, whose keys
// start with keyPrefix ("session:" unless Flamingo's
// flamingo.session.redis.keyPrefix said otherwise). Records larger than
// maxSize bytes (flamingo.session.store.length; 0: no limit) are not
// decoded; Flamingo wrote none larger under the same setting.
//
// A claim is a marker key beside the record (keyPrefix + ID +
// ":sessionauth-migrating", set with SET NX and an expiry of the
// migration's window), so the record stays where it was until its values
// are stored anew, and a process that stops half-way leaves it to be
// claimed again. After the move the marker lives one more window. The two
// keys may live in different cluster slots; no command touches both.
func Redis(client redis.UniversalClient, keyPrefix string, maxSize int) Source {
	return &redisSource{client: client, prefix: keyPrefix, maxSize: maxSize}
}

func (*redisSource) name() string { return "redis" }

// id returns the cookie value, the unsigned old session ID, when it has
// the form of one.
func (*redisSource) id(cookie string) (string, bool) {
	return cookie, validID(cookie)
}

func (r *redisSource) claim(ctx context.Context, id string, window time.Duration) (*claim, error) {
	ok, err := r.client.SetNX(ctx, r.marker(id), "1", window).Result()
	if err != nil {
		return nil, fmt.Errorf("claim: %w", err)
	}
	if !ok {
		return &claim{inFlight: true}, nil
	}
	c := &claim{id: id, window: window}
	values, err := r.read(ctx, id)
	if values == nil || err != nil {
		return nil, errors.Join(err, r.release(ctx, c, false))
	}
	c.values = values
	return c, nil
}

// read returns the values of the record of id, or nil when there is none.
func (r *redisSource) read(ctx context.Context, id string) (map[string]any, error) {
	b, err := r.client.Get(ctx, r.prefix+id).Bytes()
	switch {
	case errors.Is(err, redis.Nil):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("read: %w", err)
	case r.maxSize > 0 && len(b) > r.maxSize:
		return nil, fmt.Errorf("%w: %d bytes, more than flamingo.session.store.length (%d)", errUnreadable, len(b), r.maxSize)
	}
	return decodeValues(b)
}

func (r *redisSource) release(ctx context.Context, c *claim, done bool) error {
	if !done {
		if err := r.client.Del(ctx, r.marker(c.id)).Err(); err != nil {
			return fmt.Errorf("release the claim: %w", err)
		}
		return nil
	}
	if err := r.client.Del(ctx, r.prefix+c.id).Err(); err != nil {
		return fmt.Errorf("delete: %w", err)
	}
	if err := r.client.PExpire(ctx, r.marker(c.id), c.window).Err(); err != nil {
		return fmt.Errorf("keep the claim: %w", err)
	}
	return nil
}

func (r *redisSource) marker(id string) string {
	return r.prefix + id + ":sessionauth-migrating"
}
