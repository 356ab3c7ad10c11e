package sessionauth

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/gorilla/sessions"
	"github.com/redis/go-redis/v9"

	"github.com/sessionauth/sessionauth/config"
	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/infrastructure/fakebroker"
	"github.com/sessionauth/sessionauth/infrastructure/filestore"
	"github.com/sessionauth/sessionauth/infrastructure/gorillabridge"
	"github.com/sessionauth/sessionauth/infrastructure/memorystore"
	"github.com/sessionauth/sessionauth/infrastructure/oidcbroker"
	"github.com/sessionauth/sessionauth/infrastructure/redisstore"
	"github.com/sessionauth/sessionauth/infrastructure/telemetry"
)

// BackendFactory builds the session repository of one backend name from
// the session configuration. SessionModule binds the built-in ones (memory,
// file, redis, custom); bind your own under the name that
// flamingo.session.backend gives, and it goes through the same door:
//
//	injector.BindMap(new(sessionauth.BackendFactory), "mongo").ToInstance(sessionauth.BackendFactory(
//		func(s config.Session) (domain.SessionRepository, error) { return mongostore.New(…), nil }))
//
// An error stops start-up; it is reported with the configuration's other
// problems under flamingo.session.backend.
type BackendFactory func(config.Session) (domain.SessionRepository, error)

// BrokerFactory builds the identity provider of one broker entry of
// core.auth.web.broker whose typ is the name the factory is bound under.
// AuthModule binds oidc and fake. A factory reads the entry's own keys with
// the config.Broker accessors (which report wrong types) and calls
// b.Only(...) with them, so that a misspelt key is reported.
type BrokerFactory func(b config.Broker) (domain.IdentityProvider, error)

// memoryBackend builds memory repositories that report each eviction to
// evicted.
func memoryBackend(evicted func()) BackendFactory {
	return func(s config.Session) (domain.SessionRepository, error) {
		return memorystore.New(memorystore.Options{MaxAge: s.MaxAge, MaxSize: s.MaxSize, MaxSessions: s.MaxSessions, MaxBytes: s.MaxBytes,
			Evicted: evicted}), nil
	}
}

// fileBackend builds file repositories that report each eviction to
// evicted.
func fileBackend(evicted func()) BackendFactory {
	return func(s config.Session) (domain.SessionRepository, error) {
		return filestore.New(filestore.Options{Dir: s.File, MaxAge: s.MaxAge, MaxSize: s.MaxSize, MaxSessions: s.FileMax,
			Evicted: evicted})
	}
}

// redisBackend builds the Redis client, or takes the bound one, and checks
// that Redis answers, so that a wrong address stops start-up instead of
// the first request. go-redis's own log lines go to log.
func redisBackend(log *slog.Logger, bound redis.UniversalClient) BackendFactory {
	return func(s config.Session) (domain.SessionRepository, error) {
		redisstore.SetGoRedisLogger(log)
		if bound != nil {
			return boundRedisRepository(bound, s)
		}
		return newRedisRepository(s)
	}
}

func newRedisRepository(s config.Session) (domain.SessionRepository, error) {
	r := s.Redis
	client, err := redisstore.NewClient(redisstore.ClientOptions{
		URL: r.URL, Host: r.Host, Username: r.Username, Password: r.Password, Database: r.Database,
		IdleConnections: r.IdleConnections, TLS: r.TLS, TLSCAFile: r.TLSCAFile, TLSServerName: r.TLSServerName,
		ClusterMode: r.ClusterMode, Timeout: r.Timeout,
		PoolSize: r.PoolSize, MinIdleConnections: r.PoolMinIdle, PoolTimeout: r.PoolTimeout,
		Sentinel: redisstore.SentinelOptions{
			Master: r.Sentinel.Master, Addresses: r.Sentinel.Addresses, Username: r.Sentinel.Username, Password: r.Sentinel.Password,
		},
		ClusterReloadInterval: r.ClusterReloadInterval,
	})
	if err != nil {
		return nil, err
	}
	client.AddHook(telemetry.RoundTrips{})
	ctx, cancel := context.WithTimeout(context.Background(), r.Timeout)
	defer cancel()
	if err := client.Ping(ctx).Err(); err != nil {
		_ = client.Close()
		key, value := "flamingo.session.redis.host", fmt.Sprintf("%q", r.Host)
		if r.URL != "" {
			key, value = "flamingo.session.redis.url", config.Show("flamingo.session.redis.url", r.URL)
		}
		if r.Sentinel.Master != "" {
			key, value = "flamingo.session.redis.sentinel.addresses", fmt.Sprintf("%q (master %q)", r.Sentinel.Addresses, r.Sentinel.Master)
		}
		return nil, fmt.Errorf("config key %s = %s: Redis does not answer within %v (flamingo.session.redis.timeout): %v; "+
			"check the address, credentials and TLS settings, and that Redis is running", key, value, r.Timeout, err)
	}
	return redisstore.New(client, redisstore.Options{KeyPrefix: r.KeyPrefix, MaxAge: s.MaxAge, MaxSize: s.MaxSize,
		WaitReplicas: r.WaitReplicas, WaitTimeout: r.WaitTimeout}), nil
}

// customBackend serves a bound CustomSessionBackend's gorilla store as the
// repository.
func customBackend(store CustomSessionBackend) BackendFactory {
	return func(s config.Session) (domain.SessionRepository, error) {
		if store == nil {
			return nil, fmt.Errorf("custom needs a binding of sessionauth.CustomSessionBackend " +
				"(inside Flamingo, set flamingo.session.repository to memory, file or redis instead)")
		}
		var gs sessions.Store = store.SessionStore()
		return gorillabridge.NewRepository(gs, gorillabridge.Options{Name: s.Name, MaxAge: s.MaxAge, MaxSize: s.MaxSize}), nil
	}
}

func oidcBroker(b config.Broker) (domain.IdentityProvider, error) {
	b.Only("endpoint", "clientID", "clientSecret", "scopes", "enableOfflineToken", "claims", "enableEndSessionEndpoint")
	claims := b.Map("claims")
	return oidcbroker.New(oidcbroker.Config{
		Broker: b.Name, Endpoint: b.String("endpoint"), ClientID: b.String("clientID"), ClientSecret: b.String("clientSecret"),
		RedirectURL: b.RedirectURL, Scopes: b.Strings("scopes"), EnableOfflineToken: b.Bool("enableOfflineToken"),
		EnableEndSessionEndpoint: b.Bool("enableEndSessionEndpoint"), ClockSkew: b.ClockSkew,
		Claims: oidcbroker.ClaimMapping{IDToken: claimMap(b, claims, "idToken"), UserInfo: claimMap(b, claims, "userInfo")},
	})
}

// claimMap reads claims.<which>: a map of User field to claim name.
func claimMap(b config.Broker, claims map[string]any, which string) map[string]string {
	m, _ := claims[which].(map[string]any)
	out := make(map[string]string, len(m))
	for field, claim := range m {
		s, ok := claim.(string)
		if !ok {
			b.Problem("claims", fmt.Sprintf("claims.%s.%s must be the name of a claim", which, field))
			continue
		}
		out[field] = s
	}
	return out
}

func fakeBroker(b config.Broker) (domain.IdentityProvider, error) {
	b.Only("users")
	var users []fakebroker.User
	for _, u := range b.Entries("users") {
		user := fakebroker.User{Username: u.String("username"), Password: u.String("password")}
		user.Sub, user.Name, user.Email = u.String("sub"), u.String("name"), u.String("email")
		user.FirstName, user.LastName, user.Groups = u.String("firstName"), u.String("lastName"), u.Strings("groups")
		if user.Username == "" {
			u.Problem("username", "every fake user needs a username")
			continue
		}
		if user.Sub == "" {
			user.Sub = user.Username
		}
		users = append(users, user)
	}
	return fakebroker.New(fakebroker.Config{Broker: b.Name, Users: users, RedirectURL: b.RedirectURL})
}
