package sessionauth_test

import (
	"context"
	"fmt"
	"github.com/sessionauth/sessionauth/internal/oidctest"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"flamingo.me/dingo"
	"github.com/redis/go-redis/v9"

	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/infrastructure/memorystore"
	"github.com/sessionauth/sessionauth/internal/redistest"
)

// wantCookie is the session cookie the block describes: its
// flamingo.session.name and cookie keys, else the defaults.
func wantCookie(cfg map[string]any) http.Cookie {
	c := http.Cookie{Name: "flamingo", Path: "/", Secure: true, HttpOnly: true, SameSite: http.SameSiteLaxMode}
	if m, k, ok := lookupKey(cfg, "flamingo.session.name"); ok {
		c.Name = fmt.Sprint(m[k])
	}
	if m, k, ok := lookupKey(cfg, "flamingo.session.cookie.path"); ok {
		c.Path = fmt.Sprint(m[k])
	}
	if m, k, ok := lookupKey(cfg, "flamingo.session.cookie.secure"); ok {
		c.Secure = m[k] == true
	}
	if m, k, ok := lookupKey(cfg, "flamingo.session.cookie.sameSite"); ok {
		c.SameSite = map[any]http.SameSite{"lax": http.SameSiteLaxMode, "strict": http.SameSiteStrictMode, "none": http.SameSiteNoneMode, "default": http.SameSiteDefaultMode}[m[k]]
	}
	return c
}

// sessionRoundTrip starts the application with cfg over HTTPS (the
// cookie is Secure by default) and checks that a value one request stores
// is read by the next one with the same cookie jar, and that the cookie is
// the one the block describes.
func sessionRoundTrip(t *testing.T, cfg map[string]any, modules ...dingo.Module) {
	t.Helper()
	app := newMatrixApp(t, true)
	app.start(t, cfg, modules...)
	client := app.srv.Client()
	client.Jar, _ = cookiejar.New(nil)
	first, resp := getPage(t, client, app.URL+"/count")
	if second, _ := getPage(t, client, app.URL+"/count"); first != `<p id="n">1</p>` || second != `<p id="n">2</p>` {
		t.Fatalf("two requests with one cookie jar counted %q, then %q; want 1, then 2", first, second)
	}
	cookies := resp.Cookies()
	if len(cookies) != 1 {
		t.Fatalf("the first response sets %d cookies (%v), want the session cookie", len(cookies), resp.Header["Set-Cookie"])
	}
	c, w := cookies[0], wantCookie(cfg)
	if c.Name != w.Name || c.Path != w.Path || c.Secure != w.Secure || c.HttpOnly != w.HttpOnly || c.SameSite != w.SameSite {
		t.Errorf("session cookie %q, want name %s, Path=%s, Secure %v, HttpOnly %v, SameSite %v", resp.Header.Get("Set-Cookie"), w.Name, w.Path, w.Secure, w.HttpOnly, w.SameSite)
	}
}

func getPage(t *testing.T, client *http.Client, u string) (string, *http.Response) {
	t.Helper()
	resp, err := client.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s %s", u, resp.Status, body)
	}
	return string(body), resp
}

// runFileBackend overrides flamingo.session.file with a directory of the
// test; the session is a file there.
func runFileBackend(t *testing.T, _ *matrix, cfg map[string]any) {
	dir := t.TempDir()
	override(t, cfg, "flamingo.session.file", dir)
	sessionRoundTrip(t, cfg)
	sessions, err := filepath.Glob(filepath.Join(dir, "*.session"))
	if err != nil || len(sessions) != 1 {
		t.Fatalf("the session directory holds the sessions %q (%v), want one", sessions, err)
	}
}

// countingRepository is the repository a user binds under "dynamo".
type countingRepository struct {
	*memorystore.Repository
	saves int
}

func (r *countingRepository) Save(ctx context.Context, s *domain.Session) error {
	r.saves++
	return r.Repository.Save(ctx, s)
}

// runCustomBackend binds a repository under the block's backend name, as
// docs/custom.md's module does; the sessions are saved there. No key is
// overridden.
func runCustomBackend(t *testing.T, _ *matrix, cfg map[string]any) {
	repo := &countingRepository{Repository: memorystore.New(memorystore.Options{})}
	sessionRoundTrip(t, cfg, dingo.ModuleFunc(func(i *dingo.Injector) {
		i.BindMap(new(domain.SessionRepository), value(t, cfg, "flamingo.session.backend").(string)).ToInstance(repo)
	}))
	if repo.saves != 2 {
		t.Fatalf("the bound repository saved %d times, want the two changes of the session", repo.saves)
	}
}

// wantKeys checks that client's database holds exactly one key, the
// session's, starting with prefix.
func wantKeys(t *testing.T, client *redis.Client, prefix string) {
	t.Helper()
	keys, err := client.Keys(context.Background(), "*").Result()
	if err != nil || len(keys) != 1 || !strings.HasPrefix(keys[0], prefix) {
		t.Fatalf("Redis holds the keys %q (%v), want one session key starting with %q", keys, err, prefix)
	}
}

// runRedisStandalone overrides flamingo.session.redis.host with a server
// that requires the block's password.
func runRedisStandalone(t *testing.T, _ *matrix, cfg map[string]any) {
	srv := redistest.Start(t, redistest.Options{Password: os.Getenv("REDIS_PASSWORD")})
	override(t, cfg, "flamingo.session.redis.host", srv.Addr)
	sessionRoundTrip(t, cfg)
	wantKeys(t, srv.Client(t), "")
}

// aclRules are docs/backends.md's rules for the ACL user of sessions.
const aclRules = "+@hash +@sortedset +@keyspace +@scripting +ping +select"

// redisACLTLS starts a TLS server with the URL's user allowed aclRules on
// keys ~prefix*, and overrides the host of flamingo.session.redis.url and
// flamingo.session.redis.tlsCAFile with the server's (user, password and
// database stay the block's). It returns an administrator's client of the
// URL's database.
func redisACLTLS(t *testing.T, cfg map[string]any, prefix string) *redis.Client {
	u, err := url.Parse(value(t, cfg, "flamingo.session.redis.url").(string))
	if err != nil {
		t.Fatal(err)
	}
	password, _ := u.User.Password()
	srv := redistest.Start(t, redistest.Options{TLS: true, Password: redistest.AdminPassword,
		Config: []string{"user " + u.User.Username() + " on >" + password + " ~" + prefix + "* " + aclRules}})
	u.Host = srv.Addr
	override(t, cfg, "flamingo.session.redis.url", u.String())
	override(t, cfg, "flamingo.session.redis.tlsCAFile", srv.Certs.CA)
	db, _ := strconv.Atoi(strings.Trim(u.Path, "/"))
	admin := redis.NewClient(&redis.Options{Addr: srv.Addr, Password: redistest.AdminPassword, TLSConfig: srv.TLSConfig(), DB: db})
	t.Cleanup(func() { _ = admin.Close() })
	return admin
}

func runRedisACLTLS(t *testing.T, _ *matrix, cfg map[string]any) {
	prefix := value(t, cfg, "flamingo.session.redis.keyPrefix").(string)
	admin := redisACLTLS(t, cfg, prefix)
	sessionRoundTrip(t, cfg)
	wantKeys(t, admin, prefix)
}

// runConfigRedisTLS: docs/config.md's nested block, keys as redisACLTLS;
// without keyPrefix the user's keys are ~* and the session key has no
// prefix.
func runConfigRedisTLS(t *testing.T, _ *matrix, cfg map[string]any) {
	admin := redisACLTLS(t, cfg, "")
	sessionRoundTrip(t, cfg)
	wantKeys(t, admin, "")
}

// runRedisCluster overrides flamingo.session.redis.host with the seed
// addresses of a three-node cluster.
func runRedisCluster(t *testing.T, _ *matrix, cfg map[string]any) {
	cluster := redistest.Cluster(t, false)
	override(t, cfg, "flamingo.session.redis.host", strings.Join(cluster.Addrs(), ","))
	sessionRoundTrip(t, cfg)
	var keys []string
	for _, n := range cluster.Nodes {
		k, _ := n.Client(t).Keys(context.Background(), "*").Result()
		keys = append(keys, k...)
	}
	if len(keys) != 1 {
		t.Fatalf("the cluster holds the keys %q, want the one session", keys)
	}
}

// runRedisSentinel overrides flamingo.session.redis.sentinel.addresses
// with a Sentinel that requires the block's Sentinel password and watches
// a master (named as in the block) that requires the block's password.
func runRedisSentinel(t *testing.T, _ *matrix, cfg map[string]any) {
	if master := value(t, cfg, "flamingo.session.redis.sentinel.master"); master != redistest.SentinelMaster {
		t.Fatalf("the block's master is %v; the test's Sentinel watches %q", master, redistest.SentinelMaster)
	}
	s := redistest.SentinelWithPasswords(t, os.Getenv("REDIS_PASSWORD"), os.Getenv("SENTINEL_PASSWORD"))
	override(t, cfg, "flamingo.session.redis.sentinel.addresses", s.Addr)
	sessionRoundTrip(t, cfg)
	wantKeys(t, s.Master.Client(t), "")
}

// runCookieBackend: docs/backends.md's cookie block keeps a session, and
// a login at zitadel's provider with an offline token on it fits its
// cookies and shows the user's name. The test adds an OpenID broker and
// the application's baseURL to the block.
func runCookieBackend(t *testing.T, m *matrix, cfg map[string]any) {
	sessionRoundTrip(t, cfg)
	app := newMatrixApp(t, false)
	cfg["core.auth.web.baseURL"] = app.URL
	cfg["core.auth.web.broker"] = []any{map[string]any{"broker": "corp", "typ": "oidc", "clientID": "shop",
		"clientSecret": "cookie-client-secret", "enableOfflineToken": true}}
	p := startProvider(t, cfg, app, "corp", false)
	app.start(t, cfg)
	u := oidctest.DefaultUser
	m.checkOIDC(t, app, p, "corp", map[string]string{"name": u.FirstName + " " + u.LastName, "email": u.Email,
		"first": u.FirstName, "last": u.LastName, "type": "user"})
}
