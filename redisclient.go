package sessionauth

import (
	"github.com/redis/go-redis/v9"
)

// redisClientBinding is a go-redis client the application already has
// (standalone, cluster, Sentinel or ring), bound for the redis backend:
//
//	injector.Bind(new(redis.UniversalClient)).ToInstance(client)
//
// The backend then uses it, with no pool of its own, and ignores the
// connection keys (flamingo.session.redis.url, host, sentinel.… and the
// rest); keyPrefix, max.age and store.length still apply. sessionauth never
// closes a bound client; it adds a hook (telemetry.RoundTrips) that counts
// the round trips of its own calls and does nothing for the others.
type redisClientBinding struct {
	Client redis.UniversalClient `inject:",optional"`
}
