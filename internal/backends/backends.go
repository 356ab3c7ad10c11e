// Package backends builds the built-in session repositories from the
// session configuration: Memory, File, Redis, Cookie and Custom (a gorilla
// store).
// The root package binds them as sessionauth.BackendFactory under the names
// flamingo.session.backend takes; how each option of the configuration
// reaches its repository, and what start-up refuses, is decided here, where
// fast tests of its own reach it.
package backends

import (
	"context"
	"crypto/rand"
	"fmt"
	"log/slog"

	"github.com/gorilla/sessions"
	"github.com/redis/go-redis/v9"

	"github.com/sessionauth/sessionauth/config"
	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/infrastructure/cookiestore"
	"github.com/sessionauth/sessionauth/infrastructure/filestore"
	"github.com/sessionauth/sessionauth/infrastructure/gorillabridge"
	"github.com/sessionauth/sessionauth/infrastructure/memorystore"
	"github.com/sessionauth/sessionauth/infrastructure/redisstore"
	"github.com/sessionauth/sessionauth/infrastructure/telemetry"
)

// Factory builds the repository of one backend from the configuration.
type Factory = func(config.Session) (domain.SessionRepository, error)

// Memory builds memory repositories that report each eviction to evicted.
func Memory(evicted func()) Factory {
	return func(s config.Session) (domain.SessionRepository, error) {
		return memorystore.New(memorystore.Options{MaxAge: s.MaxAge, MaxSize: s.MaxSize, MaxSessions: s.MaxSessions, MaxBytes: s.MaxBytes,
			Evicted: evicted}), nil
	}
}

// File builds file repositories that report each eviction to evicted.
func File(evicted func()) Factory {
	return func(s config.Session) (domain.SessionRepository, error) {
		return filestore.New(filestore.Options{Dir: s.File, MaxAge: s.MaxAge, MaxSize: s.MaxSize, MaxSessions: s.FileMax,
			Evicted: evicted})
	}
}

// Redis builds the Redis client, or takes bound when it is not nil, and
// checks that Redis answers, so that a wrong address stops start-up
// instead of the first request. go-redis's own log lines go to log.
func Redis(log *slog.Logger, bound redis.UniversalClient) Factory {
	return func(s config.Session) (domain.SessionRepository, error) {
		redisstore.SetGoRedisLogger(log)
		if bound != nil {
			return boundRedis(bound, s)
		}
		return newRedis(s)
	}
}

func newRedis(s config.Session) (domain.SessionRepository, error) {
	r := s.Redis
	client, err := redisstore.NewClient(ClientOptions(r))
	if err != nil {
		return nil, err
	}
	client.AddHook(telemetry.RoundTrips{})
	if err := Ping(context.Background(), client, r); err != nil {
		_ = client.Close()
		return nil, err
	}
	return redisstore.New(client, redisstore.Options{KeyPrefix: r.KeyPrefix, MaxAge: s.MaxAge, MaxSize: s.MaxSize,
		WaitReplicas: r.WaitReplicas, WaitTimeout: r.WaitTimeout, ClientCache: clientCache(r)}), nil
}

// clientCache is the client-side cache's part of the repository's options.
func clientCache(r config.Redis) redisstore.ClientCacheOptions {
	c := r.ClientCache
	return redisstore.ClientCacheOptions{Enabled: c.Enabled, MaxEntries: c.MaxEntries, MaxBytes: c.MaxBytes, MaxStale: c.MaxStale}
}

// Ping checks that the Redis of r answers client's PING within r.Timeout;
// the error names the key that says where Redis is, its value with the
// credentials hidden, and what to check.
func Ping(ctx context.Context, client redis.UniversalClient, r config.Redis) error {
	ctx, cancel := context.WithTimeout(ctx, r.Timeout)
	defer cancel()
	if err := client.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("config key %s: Redis does not answer within %v (flamingo.session.redis.timeout): %v; "+
			"check the address, credentials and TLS settings, and that Redis is running", redisAddress(r), r.Timeout, err)
	}
	return nil
}

// ClientOptions are the options of redisstore.NewClient for r.
func ClientOptions(r config.Redis) redisstore.ClientOptions {
	return redisstore.ClientOptions{
		URL: r.URL, Host: r.Host, Username: r.Username, Password: r.Password, Database: r.Database,
		IdleConnections: r.IdleConnections, TLS: r.TLS, TLSCAFile: r.TLSCAFile, TLSServerName: r.TLSServerName,
		ClusterMode: r.ClusterMode, Timeout: r.Timeout,
		PoolSize: r.PoolSize, MinIdleConnections: r.PoolMinIdle, PoolTimeout: r.PoolTimeout,
		Sentinel: redisstore.SentinelOptions{
			Master: r.Sentinel.Master, Addresses: r.Sentinel.Addresses, Username: r.Sentinel.Username, Password: r.Sentinel.Password,
		},
		ClusterReloadInterval: r.ClusterReloadInterval,
	}
}

// redisAddress names the key that says where Redis is, and its value as an
// error may show it (config.Show: credentials hidden).
func redisAddress(r config.Redis) string {
	if r.Sentinel.Master != "" {
		return fmt.Sprintf("flamingo.session.redis.sentinel.addresses = %s (master %s)",
			config.Show("flamingo.session.redis.sentinel.addresses", r.Sentinel.Addresses), config.Show("flamingo.session.redis.sentinel.master", r.Sentinel.Master))
	}
	if r.URL != "" {
		return "flamingo.session.redis.url = " + config.Show("flamingo.session.redis.url", r.URL)
	}
	return "flamingo.session.redis.host = " + config.Show("flamingo.session.redis.host", r.Host)
}

// boundRedis checks that the bound client answers and builds the
// repository on it.
func boundRedis(client redis.UniversalClient, s config.Session) (domain.SessionRepository, error) {
	ctx, cancel := context.WithTimeout(context.Background(), s.Redis.Timeout)
	defer cancel()
	if err := client.Ping(ctx).Err(); err != nil {
		return nil, fmt.Errorf("the bound redis.UniversalClient does not answer within %v (flamingo.session.redis.timeout): %v; "+
			"check the client's options, and that Redis is running", s.Redis.Timeout, err)
	}
	if s.Redis.ClientCache.Enabled {
		if err := redisstore.ClientCacheSupported(client); err != nil {
			return nil, fmt.Errorf("config key flamingo.session.redis.clientCache = true: %v; set it to false, or bind a client of a single Redis server (or of Sentinel)", err)
		}
	}
	client.AddHook(telemetry.RoundTrips{})
	return redisstore.New(client, redisstore.Options{KeyPrefix: s.Redis.KeyPrefix, MaxAge: s.MaxAge, MaxSize: s.MaxSize,
		ClientCache: clientCache(s.Redis)}), nil
}

// Custom serves the gorilla store that store returns as the repository;
// store is nil when nothing is bound.
func Custom(store func() sessions.Store) Factory {
	return func(s config.Session) (domain.SessionRepository, error) {
		if store == nil {
			return nil, fmt.Errorf("custom needs a binding of sessionauth.CustomSessionBackend " +
				"(inside Flamingo, set flamingo.session.repository to memory, file or redis instead)")
		}
		return gorillabridge.NewRepository(store(), gorillabridge.Options{Name: s.Name, MaxAge: s.MaxAge, MaxSize: s.MaxSize}), nil
	}
}

// Cookie builds repositories that keep each session sealed in the
// visitor's cookies, with keys derived from the session secrets; without a
// secret (the signer warns about it), from a random key of the process.
// flamingo.session.cookie.revocation names the factory among revocation
// whose repository's index remembers ended sessions.
func Cookie(revocation map[string]Factory) Factory {
	return func(s config.Session) (domain.SessionRepository, error) {
		revoked, err := revocationIndex(revocation, s)
		if err != nil {
			return nil, err
		}
		secrets := make([][]byte, 0, 1+len(s.Previous))
		if s.Secret == "" {
			key := make([]byte, 32)
			_, _ = rand.Read(key) // never fails (crypto/rand)
			secrets = append(secrets, key)
		} else {
			secrets = append(secrets, []byte(s.Secret))
		}
		for _, p := range s.Previous {
			secrets = append(secrets, []byte(p))
		}
		repo, err := cookiestore.New(cookiestore.Options{Name: s.Name, Secrets: secrets, MaxAge: s.MaxAge, MaxSize: s.MaxSize, Revocation: revoked,
			ServerCopy: []string{domain.IdentityKey, domain.SessionRecordKey},
			MaxBytes:   s.CookieStore.MaxBytes, NoCompression: !s.CookieStore.Compress,
			Cookie: cookiestore.CookieOptions{Path: s.Cookie.Path, Domain: s.Cookie.Domain, Secure: s.Cookie.Secure, SameSite: s.Cookie.SameSite}})
		if err != nil {
			return nil, fmt.Errorf("%w (flamingo.session.secret, flamingo.session.previousSecrets)", err)
		}
		return cookiestore.WithIndex(repo), nil
	}
}

// revocationIndex builds the repository that remembers ended sessions of
// the cookie backend, and returns its index; nil for none.
func revocationIndex(factories map[string]Factory, s config.Session) (domain.SessionIndex, error) {
	name := s.CookieStore.Revocation
	if name == "" {
		return nil, nil
	}
	factory, ok := factories[name]
	if !ok {
		return nil, fmt.Errorf("flamingo.session.cookie.revocation = %q: no such backend; write memory, file or redis", name)
	}
	repo, err := factory(s)
	if err != nil {
		return nil, fmt.Errorf("flamingo.session.cookie.revocation = %q: %w", name, err)
	}
	idx, ok := repo.(domain.SessionIndex)
	if !ok {
		return nil, fmt.Errorf("flamingo.session.cookie.revocation = %q: the backend keeps no index (domain.SessionIndex)", name)
	}
	return idx, nil
}
