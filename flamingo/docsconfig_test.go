package sessionauthflamingo_test

import (
	"net"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/sessionauth/sessionauth/internal/redistest"
)

// configBlock is a marked configuration block of docs/flamingo.md:
//
//	<!-- config: flamingo/ID -->
//	```yaml
//	…
//	```
var configBlock = regexp.MustCompile("(?s)<!-- config: (flamingo/[^ ]+) -->\n```yaml\n(.*?)```\n")

// docPage is the page whose configuration blocks TestFlamingoDocsConfig
// loads.
const docPage = "../docs/flamingo.md"

// TestFlamingoDocsConfig loads each marked configuration block of
// docs/flamingo.md, as the page shows it, with Flamingo's configuration
// loader into a real Flamingo application and checks what the page
// promises of it. A marked block without a case here fails the test.
func TestFlamingoDocsConfig(t *testing.T) {
	tests := []struct {
		id  string
		run func(t *testing.T, block string)
	}{
		{"flamingo/custom-backend", customBackendBlock},
		{"flamingo/secret-rotation", secretRotationBlock},
		{"flamingo/migrate", migrateBlock},
	}
	blocks := docBlocks(t, docPage)
	for _, tc := range tests {
		t.Run(tc.id, func(t *testing.T) {
			block, ok := blocks[tc.id]
			if !ok {
				t.Fatalf("docs/flamingo.md has no block marked <!-- config: %s -->", tc.id)
			}
			delete(blocks, tc.id)
			tc.run(t, block)
		})
	}
	for id := range blocks {
		t.Errorf("docs/flamingo.md's block %s has no case in TestFlamingoDocsConfig", id)
	}
}

// customBackendBlock: Flamingo's sessions in sessionauth's Redis
// repository, the secret from the environment. A visitor's session counts
// on across requests with the cookie, and across a restart.
func customBackendBlock(t *testing.T, block string) {
	dir := redisConfigDir(t, redistest.Standalone(t).Addr, map[string]string{"config.yml": block})
	env := []string{"SESSION_SECRET=the session secret, 32 bytes or more"}
	c := httpsBrowser(t)
	first := listenAndStart(t, dir, env, custom)
	wantBody(t, c, first+"/", "1")
	wantBody(t, c, first+"/", "2")
	restarted := listenAndStart(t, dir, env, custom)
	wantBody(t, c, restarted+"/", "3")
}

// secretRotationBlock, added to the custom-backend block: a visitor's
// session counts on at an instance with a new secret and the one before it
// in previousSecrets, which an instance without the old secret does not
// open; without OLD_SESSION_SECRET the block stops start-up, naming the key.
func secretRotationBlock(t *testing.T, block string) {
	redis, backend := redistest.Standalone(t).Addr, docBlocks(t, docPage)["flamingo/custom-backend"]
	before := redisConfigDir(t, redis, map[string]string{"config.yml": backend})
	after := redisConfigDir(t, redis, map[string]string{"config.yml": backend, "config_rotation.yml": block})
	oldSecret, newSecret := "SESSION_SECRET=the old session secret, 32 bytes or more", "SESSION_SECRET=the new session secret, 32 bytes or more"
	c := httpsBrowser(t)
	old := listenAndStart(t, before, []string{oldSecret}, custom)
	wantBody(t, c, old+"/", "1")
	wantBody(t, c, old+"/", "2")
	withoutOld := listenAndStart(t, before, []string{newSecret}, custom)
	wantBody(t, sameCookies(t, c, old), withoutOld+"/read", "<nil>")
	rotated := listenAndStart(t, after, []string{"CONTEXT=rotation", newSecret, "OLD_" + oldSecret}, custom)
	wantBody(t, c, rotated+"/", "3")
	out := startupErrorIn(t, after, []string{"CONTEXT=rotation", newSecret, "OLD_SESSION_SECRET="}, custom)
	if !strings.Contains(out, "flamingo.session.previousSecrets[0]") {
		t.Errorf("the rotation block without OLD_SESSION_SECRET: start-up output does not name the key:\n%s", out)
	}
}

// redisConfigDir is a configuration directory with files and a
// config_local.yml that overrides the one address-like key of the blocks,
// flamingo.session.redis.host, with the address of the test's redis-server.
func redisConfigDir(t *testing.T, redis string, files map[string]string) string {
	files["config_local.yml"] = "flamingo:\n  session:\n    redis:\n      host: " + redis + "\n"
	return yamlDir(t, files)
}

// migrateBlock: a shop on Flamingo's own Redis backend adds the block to
// its configuration; its visitor keeps the counter and the cart.
func migrateBlock(t *testing.T, block string) {
	srv := redistest.Standalone(t)
	shop := `flamingo:
  session:
    backend: redis
    secret: "%%ENV:SESSION_SECRET%%"
    redis:
      host: "%%ENV:REDIS_HOST%%"
`
	env := []string{"SESSION_SECRET=the shop's session secret, 32 bytes or more", "REDIS_HOST=" + srv.Addr}
	c := httpsBrowser(t)
	old := listenAndStart(t, yamlDir(t, map[string]string{"config.yml": shop}), env, flamingoOnly)
	wantBody(t, c, old+"/", "1")
	wantBody(t, c, old+"/", "2")
	wantBody(t, c, old+"/cart?add=apple", "apple")
	// the block added to the shop's configuration: Flamingo merges config_local.yml over config.yml
	switched := listenAndStart(t, yamlDir(t, map[string]string{"config.yml": shop, "config_local.yml": block}), env, custom)
	wantBody(t, c, switched+"/", "3")
	wantBody(t, c, switched+"/cart", "apple")
}

// docBlocks returns the marked configuration blocks of the page at path by
// their IDs.
func docBlocks(t *testing.T, path string) map[string]string {
	t.Helper()
	page, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	blocks := map[string]string{}
	for _, m := range configBlock.FindAllStringSubmatch(string(page), -1) {
		if _, twice := blocks[m[1]]; twice {
			t.Errorf("%s marks two blocks %s", path, m[1])
		}
		blocks[m[1]] = m[2]
	}
	return blocks
}

// listenAndStart starts the application in mode on a free port, configured
// by the files in dir with env, and returns its base URL.
func listenAndStart(t *testing.T, dir string, env []string, mode string) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return startOn(t, l, dir, env, mode)
}

// httpsBrowser is a browser of an application served over HTTPS by a
// proxy in front of it: it keeps and sends the cookies Flamingo marks
// Secure by default, as the browser of such a site does.
func httpsBrowser(t *testing.T) *http.Client {
	c := browser(t)
	c.Jar = httpsJar{c.Jar}
	return c
}

// sameCookies is another browser holding c's cookies of base.
func sameCookies(t *testing.T, c *http.Client, base string) *http.Client {
	other := httpsBrowser(t)
	u := mustURL(t, base)
	other.Jar.SetCookies(u, c.Jar.Cookies(u))
	return other
}

// httpsJar keeps cookies as for the https:// form of each URL.
type httpsJar struct{ http.CookieJar }

func (j httpsJar) SetCookies(u *url.URL, cookies []*http.Cookie) {
	j.CookieJar.SetCookies(asHTTPS(u), cookies)
}

func (j httpsJar) Cookies(u *url.URL) []*http.Cookie { return j.CookieJar.Cookies(asHTTPS(u)) }

func asHTTPS(u *url.URL) *url.URL {
	s := *u
	s.Scheme = "https"
	return &s
}
