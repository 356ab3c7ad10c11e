package sessionauth

import (
	"context"
	"fmt"

	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/infrastructure/redisstore"
)

// redisRepository builds the Redis client from the configuration and checks
// at start-up that Redis answers, so that a wrong address stops start-up
// instead of the first request.
func redisRepository(s *sessionSettings, c *sessionConfig) (domain.SessionRepository, error) {
	client, err := redisstore.NewClient(redisstore.ClientOptions{
		URL: c.RedisURL, Host: c.RedisHost, Username: c.RedisUsername, Password: c.RedisPassword,
		Database: int(c.RedisDatabase), IdleConnections: int(c.RedisIdleConnections), TLS: c.RedisTLS,
		TLSCAFile: c.RedisTLSCAFile, TLSServerName: c.RedisTLSServerName, ClusterMode: c.RedisClusterMode,
		Timeout: s.redisTimeout,
	})
	if err != nil {
		return nil, fmt.Errorf("sessionauth: invalid configuration:\n  %w", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), s.redisTimeout)
	defer cancel()
	if err := client.Ping(ctx).Err(); err != nil {
		_ = client.Close()
		key, value := "flamingo.session.redis.host", c.RedisHost
		if c.RedisURL != "" {
			key, value = "flamingo.session.redis.url", redactURL(c.RedisURL)
		}
		return nil, fmt.Errorf("sessionauth: config key %s = %q: Redis does not answer within %v (flamingo.session.redis.timeout): %v; "+
			"check the address, credentials and TLS settings, and that Redis is running", key, value, s.redisTimeout, err)
	}
	return redisstore.New(client, redisstore.Options{
		KeyPrefix: c.RedisKeyPrefix, MaxAge: s.maxAge, MaxSize: s.maxSize,
	}), nil
}
