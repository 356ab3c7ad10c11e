package redissession_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/sessionauth/sessionauth/infrastructure/redissession"
)

func TestNewClientOptions(t *testing.T) {
	tests := []struct {
		name string
		opts redissession.ClientOptions
		want redis.Options
	}{
		{"host with default port", redissession.ClientOptions{Host: "redis"}, redis.Options{Addr: "redis:6379"}},
		{"host, user, password, database", redissession.ClientOptions{Host: "cache:6380", Username: "u", Password: "p", Database: 3},
			redis.Options{Addr: "cache:6380", Username: "u", Password: "p", DB: 3}},
		{"url wins", redissession.ClientOptions{URL: "redis://app:secret@db.internal:6390/4", Host: "redis", Password: "other"},
			redis.Options{Addr: "db.internal:6390", Username: "app", Password: "secret", DB: 4}},
		{"url db as query", redissession.ClientOptions{URL: "redis://db.internal?db=5"}, redis.Options{Addr: "db.internal:6379", DB: 5}},
		{"password only in url", redissession.ClientOptions{URL: "redis://:pw@h:1/0"}, redis.Options{Addr: "h:1", Password: "pw"}},
		{"ipv6", redissession.ClientOptions{Host: "[::1]:7000"}, redis.Options{Addr: "[::1]:7000"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := redissession.NewClient(tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			got := c.(*redis.Client).Options()
			if got.Addr != tc.want.Addr || got.Username != tc.want.Username || got.Password != tc.want.Password || got.DB != tc.want.DB {
				t.Fatalf("options = addr %q user %q password %q db %d; want %+v", got.Addr, got.Username, got.Password, got.DB, tc.want)
			}
			if got.ReadTimeout != 5e9 || got.WriteTimeout != 5e9 || got.DialTimeout != 5e9 {
				t.Fatalf("timeouts = %v/%v/%v, want 5s each", got.DialTimeout, got.ReadTimeout, got.WriteTimeout)
			}
		})
	}
}

func TestNewClientTLSAndCluster(t *testing.T) {
	c, err := redissession.NewClient(redissession.ClientOptions{URL: "rediss://cache:6380", TLSServerName: "cache.internal", Timeout: 2e9})
	if err != nil {
		t.Fatal(err)
	}
	o := c.(*redis.Client).Options()
	if o.TLSConfig == nil || o.TLSConfig.ServerName != "cache.internal" || o.TLSConfig.InsecureSkipVerify || o.ReadTimeout != 2e9 {
		t.Fatalf("rediss:// gives TLS %+v, read timeout %v", o.TLSConfig, o.ReadTimeout)
	}
	cc, err := redissession.NewClient(redissession.ClientOptions{Host: "a:7000, b:7001,c", ClusterMode: true})
	if err != nil {
		t.Fatal(err)
	}
	addrs := cc.(*redis.ClusterClient).Options().Addrs
	if strings.Join(addrs, " ") != "a:7000 b:7001 c:6379" {
		t.Fatalf("cluster seeds = %v", addrs)
	}
}

func TestNewClientErrors(t *testing.T) {
	dir := t.TempDir()
	notPEM := filepath.Join(dir, "ca.txt")
	if err := os.WriteFile(notPEM, []byte("hello"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		opts redissession.ClientOptions
		want []string
	}{
		{"url without scheme", redissession.ClientOptions{URL: "redis//cache"}, []string{"flamingo.session.redis.url", `"redis//cache"`, "redis://[user:password@]host:port/db"}},
		{"url of another scheme", redissession.ClientOptions{URL: "http://cache"}, []string{"flamingo.session.redis.url", "not a redis://"}},
		{"url with bad database", redissession.ClientOptions{URL: "redis://cache/x"}, []string{"flamingo.session.redis.url", `database "x"`}},
		{"bad port", redissession.ClientOptions{Host: "cache:abc"}, []string{"flamingo.session.redis.host", "bad port"}},
		{"several hosts without cluster", redissession.ClientOptions{Host: "a:1,b:2"}, []string{"flamingo.session.redis.host", "clusterMode"}},
		{"empty host in list", redissession.ClientOptions{Host: "a:1,,b:2", ClusterMode: true}, []string{"flamingo.session.redis.host", "empty address"}},
		{"database in cluster", redissession.ClientOptions{Host: "a:1", ClusterMode: true, Database: 1}, []string{"flamingo.session.redis.database = 1", "only database 0"}},
		{"missing CA file", redissession.ClientOptions{Host: "a:1", TLS: true, TLSCAFile: filepath.Join(dir, "none.pem")}, []string{"flamingo.session.redis.tlsCAFile", "none.pem"}},
		{"CA file not PEM", redissession.ClientOptions{Host: "a:1", TLS: true, TLSCAFile: notPEM}, []string{"flamingo.session.redis.tlsCAFile", "no PEM certificate"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := redissession.NewClient(tc.opts)
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}
