package redisstore_test

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/sessionauth/sessionauth/infrastructure/redisstore"
	"github.com/sessionauth/sessionauth/internal/redistest"
)

func TestNewClientOptions(t *testing.T) {
	tests := []struct {
		name        string
		opts        redisstore.ClientOptions
		want        redis.Options
		wantTimeout time.Duration
	}{
		{"host with default port", redisstore.ClientOptions{Host: "redis"}, redis.Options{Addr: "redis:6379"}, 5 * time.Second},
		{"host, user, password, database, timeout", redisstore.ClientOptions{Host: "cache:6380", Username: "u", Password: "p", Database: 3, Timeout: time.Second},
			redis.Options{Addr: "cache:6380", Username: "u", Password: "p", DB: 3}, time.Second},
		{"url wins", redisstore.ClientOptions{URL: "redis://app:secret@db.internal:6390/4", Host: "redis", Password: "other", Database: 1},
			redis.Options{Addr: "db.internal:6390", Username: "app", Password: "secret", DB: 4}, 5 * time.Second},
		{"url without database keeps the database key", redisstore.ClientOptions{URL: "redis://db.internal:6390", Database: 1},
			redis.Options{Addr: "db.internal:6390", DB: 1}, 5 * time.Second},
		{"url database as query", redisstore.ClientOptions{URL: "redis://db.internal?db=5"}, redis.Options{Addr: "db.internal:6379", DB: 5}, 5 * time.Second},
		{"url with password only", redisstore.ClientOptions{URL: "redis://:pw@h:1/0", Username: "u"}, redis.Options{Addr: "h:1", Username: "u", Password: "pw"}, 5 * time.Second},
		{"url with a percent-encoded password", redisstore.ClientOptions{URL: "redis://app:Sup3r%23Secr3t%2Fpw%3Fx%20%C3%A9%25@host:6379/0"},
			redis.Options{Addr: "host:6379", Username: "app", Password: "Sup3r#Secr3t/pw?x é%"}, 5 * time.Second},
		{"url with @ and : in the password", redisstore.ClientOptions{URL: "REDIS://app:p@ss:w0rd@host:6379/2"},
			redis.Options{Addr: "host:6379", Username: "app", Password: "p@ss:w0rd", DB: 2}, 5 * time.Second},
		{"ipv6", redisstore.ClientOptions{Host: "[::1]:7000"}, redis.Options{Addr: "[::1]:7000"}, 5 * time.Second},
		{"ipv6 with default port", redisstore.ClientOptions{Host: "::1"}, redis.Options{Addr: "[::1]:6379"}, 5 * time.Second},
		{"idle connections are the pool size", redisstore.ClientOptions{Host: "h", IdleConnections: 7}, redis.Options{Addr: "h:6379", PoolSize: 7}, 5 * time.Second},
		{"pool size wins", redisstore.ClientOptions{Host: "h", IdleConnections: 7, PoolSize: 30, PoolTimeout: time.Second}, redis.Options{Addr: "h:6379", PoolSize: 30, PoolTimeout: time.Second}, 5 * time.Second},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := redisstore.NewClient(tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			got := c.(*redis.Client).Options()
			if got.Addr != tc.want.Addr || got.Username != tc.want.Username || got.Password != tc.want.Password || got.DB != tc.want.DB || !samePool(got, &tc.want) {
				t.Errorf("addr %q user %q password %q db %d pool %d min idle %d timeout %v; want %+v", got.Addr, got.Username, got.Password, got.DB, got.PoolSize, got.MinIdleConns, got.PoolTimeout, tc.want)
			}
			if got.DialTimeout != tc.wantTimeout || got.ReadTimeout != tc.wantTimeout || got.WriteTimeout != tc.wantTimeout {
				t.Errorf("timeouts dial %v read %v write %v, want %v each", got.DialTimeout, got.ReadTimeout, got.WriteTimeout, tc.wantTimeout)
			}
			if !got.ContextTimeoutEnabled || got.MaxRetries > 0 || got.DialerRetries != 1 || got.TLSConfig != nil {
				t.Errorf("context timeouts %v, retries %d, dial attempts %d, TLS %v; want context deadlines honoured, one attempt each, no TLS",
					got.ContextTimeoutEnabled, got.MaxRetries, got.DialerRetries, got.TLSConfig)
			}
		})
	}
}

func TestNewClientTLSAndCluster(t *testing.T) {
	c, err := redisstore.NewClient(redisstore.ClientOptions{URL: "rediss://cache:6380", TLSServerName: "cache.internal", Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	o := c.(*redis.Client).Options()
	if o.TLSConfig == nil || o.TLSConfig.ServerName != "cache.internal" || o.TLSConfig.InsecureSkipVerify || o.ReadTimeout != 2*time.Second {
		t.Fatalf("rediss:// gives TLS %+v, read timeout %v", o.TLSConfig, o.ReadTimeout)
	}
	cc, err := redisstore.NewClient(redisstore.ClientOptions{Host: "a:7000, b:7001,c", ClusterMode: true, TLS: true, Timeout: time.Second,
		PoolSize: 8, ClusterReloadInterval: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer cc.Close()
	co := cc.(*redis.ClusterClient).Options()
	if strings.Join(co.Addrs, " ") != "a:7000 b:7001 c:6379" || co.TLSConfig == nil || co.ReadTimeout != time.Second || co.DialTimeout != time.Second || co.MaxRetries > 0 {
		t.Fatalf("cluster seeds %v, TLS %v, timeouts %v/%v, retries %d", co.Addrs, co.TLSConfig, co.DialTimeout, co.ReadTimeout, co.MaxRetries)
	}
	if co.PoolSize != 8 || co.ClusterStateReloadInterval != 2*time.Second {
		t.Fatalf("cluster pool size %d, slot map reload interval %v; want 8 and 2s", co.PoolSize, co.ClusterStateReloadInterval)
	}
}

func TestNewClientErrors(t *testing.T) {
	dir := t.TempDir()
	notPEM := filepath.Join(dir, "ca.txt")
	must(t, os.WriteFile(notPEM, []byte("hello"), 0o600))
	urlFix := "use redis://[user:password@]host:port/db"
	tests := []struct {
		name string
		opts redisstore.ClientOptions
		want []string
	}{
		{"url without scheme", redisstore.ClientOptions{URL: "redis//x"}, []string{`flamingo.session.redis.url = "redis//x"`, "not a redis:// or rediss:// URL", urlFix}},
		{"url of another scheme", redisstore.ClientOptions{URL: "http://cache"}, []string{"flamingo.session.redis.url", "not a redis://", urlFix}},
		{"url that does not parse", redisstore.ClientOptions{URL: "redis://u:secret@cache:port"}, []string{"flamingo.session.redis.url", "is not host:port/db", "u:xxxxx@", urlFix}},
		{"url with # / ? in the password", redisstore.ClientOptions{URL: "redis://app:Sup3r#secret/pw?x@host:6379/0"},
			[]string{`flamingo.session.redis.url = "redis://app:xxxxx@host:6379/0"`, "must percent-encode", "# as %23, / as %2F, ? as %3F"}},
		{"url with a space, a stray % and unicode in the password", redisstore.ClientOptions{URL: "redis://app:se cret%zzé@host:6379/0"},
			[]string{`"redis://app:xxxxx@host:6379/0"`, "must percent-encode", "a space as %20"}},
		{"url with a password in a parameter", redisstore.ClientOptions{URL: "redis://host:6379/0?password=secret"},
			[]string{`"redis://host:6379/0?password=xxxxx": unknown parameter "password"`}},
		{"host with user and password", redisstore.ClientOptions{Host: "app:secret@cache:6379"},
			[]string{`flamingo.session.redis.host = "app:xxxxx@cache:6379"`, "the password in flamingo.session.redis.password", "flamingo.session.redis.url"}},
		{"cluster seeds with a password", redisstore.ClientOptions{Host: "a:1,app:secret@b:2", ClusterMode: true},
			[]string{`flamingo.session.redis.host = "a:xxxxx@b:2"`, "cannot carry a user and password"}},
		{"sentinel address with a password", redisstore.ClientOptions{Sentinel: redisstore.SentinelOptions{Master: "m", Addresses: "s1:26379,:secret@s2"}},
			[]string{`flamingo.session.redis.sentinel.addresses = "s1:xxxxx@s2"`, "the password in flamingo.session.redis.sentinel.password"}},
		{"url with bad database", redisstore.ClientOptions{URL: "redis://u:secret@cache/x"}, []string{`"redis://u:xxxxx@cache/x": database "x" is not a number; ` + urlFix}},
		{"url with database twice", redisstore.ClientOptions{URL: "redis://cache/1?db=2"}, []string{"flamingo.session.redis.url", "given twice", urlFix}},
		{"url with unknown parameter", redisstore.ClientOptions{URL: "redis://cache/1?dial_timeout=1s"}, []string{"flamingo.session.redis.url", `unknown parameter "dial_timeout"`, urlFix}},
		{"malformed url keeps the password hidden", redisstore.ClientOptions{URL: "redis//u:secret@cache"}, []string{`"redis//u:xxxxx@cache"`}},
		{"empty host", redisstore.ClientOptions{}, []string{`flamingo.session.redis.host = ""`, "use host:port"}},
		{"bad port", redisstore.ClientOptions{Host: "cache:abc"}, []string{"flamingo.session.redis.host", `bad address "cache:abc"`, "use host:port"}},
		{"several hosts without cluster", redisstore.ClientOptions{Host: "a:1,b:2"}, []string{"flamingo.session.redis.host", "set flamingo.session.redis.clusterMode to true"}},
		{"empty host in list", redisstore.ClientOptions{Host: "a:1,,b:2", ClusterMode: true}, []string{"flamingo.session.redis.host", "empty address"}},
		{"database in cluster", redisstore.ClientOptions{Host: "a:1", ClusterMode: true, Database: 1}, []string{"flamingo.session.redis.database = 1", "only database 0"}},
		{"database in cluster url", redisstore.ClientOptions{URL: "redis://a:1/3", ClusterMode: true}, []string{"flamingo.session.redis.database = 3", "also from the URL"}},
		{"negative idle connections", redisstore.ClientOptions{Host: "a", IdleConnections: -1}, []string{"flamingo.session.redis.idle.connections = -1"}},
		{"negative timeout", redisstore.ClientOptions{Host: "a", Timeout: -time.Second}, []string{"flamingo.session.redis.timeout = -1s"}},
		{"negative pool size", redisstore.ClientOptions{Host: "a", PoolSize: -1}, []string{"flamingo.session.redis.pool.size = -1", "must not be negative"}},
		{"negative min idle", redisstore.ClientOptions{Host: "a", MinIdleConnections: -2}, []string{"flamingo.session.redis.pool.minIdle = -2"}},
		{"min idle above pool size", redisstore.ClientOptions{Host: "a", PoolSize: 4, MinIdleConnections: 5}, []string{"flamingo.session.redis.pool.minIdle = 5", "pool size 4"}},
		{"min idle above idle connections", redisstore.ClientOptions{Host: "a", IdleConnections: 3, MinIdleConnections: 5}, []string{"flamingo.session.redis.pool.minIdle = 5", "pool size 3"}},
		{"negative pool timeout", redisstore.ClientOptions{Host: "a", PoolTimeout: -time.Second}, []string{"flamingo.session.redis.pool.timeout = -1s"}},
		{"CA file without TLS", redisstore.ClientOptions{Host: "a", TLSCAFile: notPEM}, []string{"flamingo.session.redis.tls = false", "set flamingo.session.redis.tls to true"}},
		{"missing CA file", redisstore.ClientOptions{Host: "a:1", TLS: true, TLSCAFile: filepath.Join(dir, "none.pem")}, []string{"flamingo.session.redis.tlsCAFile", "none.pem", "no such file"}},
		{"CA file not PEM", redisstore.ClientOptions{Host: "a:1", TLS: true, TLSCAFile: notPEM}, []string{"flamingo.session.redis.tlsCAFile", "no PEM certificate"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := redisstore.NewClient(tc.opts)
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
			if strings.Contains(err.Error(), "secret") {
				t.Errorf("error %q shows the password", err)
			}
		})
	}
}

// TestTLSVerification connects to a TLS server: the certificate is
// verified unless verification is switched off explicitly.
func TestTLSVerification(t *testing.T) {
	t.Parallel()
	srv := redistest.TLS(t)
	tests := []struct {
		name    string
		opts    redisstore.ClientOptions
		wantErr string
	}{
		{"CA file", redisstore.ClientOptions{Host: srv.Addr, TLS: true, TLSCAFile: srv.Certs.CA}, ""},
		{"system roots only", redisstore.ClientOptions{Host: srv.Addr, TLS: true}, "certificate"},
		{"other server name", redisstore.ClientOptions{URL: srv.URL("", "", 0), TLSCAFile: srv.Certs.CA, TLSServerName: "redis.example"}, "certificate"},
		{"insecure", redisstore.ClientOptions{URL: srv.URL("", "", 0), TLSInsecureSkipVerify: true}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := redisstore.NewClient(tc.opts)
			must(t, err)
			defer c.Close()
			err = c.Ping(context.Background()).Err()
			if tc.wantErr == "" && err != nil || tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Fatalf("Ping = %v, want an error containing %q", err, tc.wantErr)
			}
		})
	}
}

// samePool compares the pool settings, taking go-redis's defaults for the
// zero values of want.
func samePool(got, want *redis.Options) bool {
	size, timeout := want.PoolSize, want.PoolTimeout
	if size == 0 {
		size = 10 * runtime.GOMAXPROCS(0)
	}
	if timeout == 0 {
		timeout = got.ReadTimeout + time.Second
	}
	return got.PoolSize == size && got.MinIdleConns == want.MinIdleConns && got.PoolTimeout == timeout && got.MaxIdleConns == 0
}
