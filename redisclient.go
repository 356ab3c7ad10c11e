package sessionauth

import (
	"context"
	"fmt"

	"github.com/redis/go-redis/v9"

	"github.com/sessionauth/sessionauth/config"
	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/infrastructure/redisstore"
	"github.com/sessionauth/sessionauth/infrastructure/telemetry"
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

// boundRedisRepository checks that the bound client answers and builds the
// repository on it.
func boundRedisRepository(client redis.UniversalClient, s config.Session) (domain.SessionRepository, error) {
	ctx, cancel := context.WithTimeout(context.Background(), s.Redis.Timeout)
	defer cancel()
	if err := client.Ping(ctx).Err(); err != nil {
		return nil, fmt.Errorf("the bound redis.UniversalClient does not answer within %v (flamingo.session.redis.timeout): %v; "+
			"check the client's options, and that Redis is running", s.Redis.Timeout, err)
	}
	client.AddHook(telemetry.RoundTrips{})
	return redisstore.New(client, redisstore.Options{KeyPrefix: s.Redis.KeyPrefix, MaxAge: s.MaxAge, MaxSize: s.MaxSize}), nil
}
