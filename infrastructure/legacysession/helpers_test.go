package legacysession_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base32"
	"encoding/gob"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/securecookie"
	"github.com/gorilla/sessions"
	"github.com/redis/go-redis/v9"
)

// cart is a value of a custom type, registered with gob as the old
// application did.
type cart struct{ Items []string }

// gone stands for a type the new application no longer registers: it is
// registered under a name that unregisteredGob then changes.
type gone struct{ N int }

func init() {
	gob.Register(cart{})
	gob.RegisterName("legacysession.test.goneA", gone{})
}

// unregisteredGob is the gob encoding of Values that hold a value of a type
// registered under a name nobody in this process registers.
func unregisteredGob(t testing.TB) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := gob.NewEncoder(&b).Encode(map[any]any{"n": 1, "x": gone{N: 1}}); err != nil {
		t.Fatal(err)
	}
	return bytes.Replace(b.Bytes(), []byte("legacysession.test.goneA"), []byte("legacysession.test.goneB"), 1)
}

// newLegacyID is an ID as Flamingo's backends make them: unpadded base32
// of n random bytes.
func newLegacyID(n int) string {
	k := make([]byte, n)
	_, _ = rand.Read(k)
	return strings.TrimRight(base32.StdEncoding.EncodeToString(k), "=")
}

// legacyValues is a session as Flamingo's applications leave them: a
// counter, a cart, a flash and the login of Flamingo's core/auth.
func legacyValues() map[any]any {
	return map[any]any{"n": 2, "cart": cart{Items: []string{"apple"}}, "_flash": []any{"hi"},
		"core.auth.oidc.main.sessiondata": "tokens", 7: "not a string key"}
}

// putRedisSession writes values as Flamingo's Redis backend
// (rbcervilla/redisstore v9) does: a random base32 ID of 64 bytes, the
// gob-encoded values under "session:" + ID with the session's lifetime. It
// returns the ID, which is the cookie value.
func putRedisSession(t testing.TB, rdb redis.UniversalClient, values map[any]any) string {
	t.Helper()
	var b bytes.Buffer
	if err := gob.NewEncoder(&b).Encode(values); err != nil {
		t.Fatal(err)
	}
	return putRedisRaw(t, rdb, b.Bytes())
}

// putRedisRaw stores gob-encoded Values as putRedisSession does.
func putRedisRaw(t testing.TB, rdb redis.UniversalClient, encoded []byte) string {
	t.Helper()
	id := newLegacyID(64)
	if err := rdb.Set(context.Background(), "session:"+id, encoded, time.Hour).Err(); err != nil {
		t.Fatal(err)
	}
	return id
}

// putFileRaw writes gob-encoded Values as FilesystemStore does: signed,
// to session_<ID>, the ID signed in the cookie, whose value it returns.
func putFileRaw(t testing.TB, dir, secret string, encoded []byte) string {
	t.Helper()
	id := newLegacyID(32)
	content, err := securecookie.New([]byte(secret), nil).SetSerializer(securecookie.NopEncoder{}).Encode("flamingo", encoded)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "session_"+id), []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	cookie, err := securecookie.New([]byte(secret), nil).Encode("flamingo", id)
	if err != nil {
		t.Fatal(err)
	}
	return cookie
}

// putFileSession saves values with gorilla's FilesystemStore as Flamingo's
// file backend does and returns the cookie value.
func putFileSession(t testing.TB, dir, secret string, values map[any]any) string {
	t.Helper()
	store := sessions.NewFilesystemStore(dir, []byte(secret))
	store.MaxLength(1 << 20)
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	s, err := store.New(r, "flamingo")
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range values {
		s.Values[k] = v
	}
	w := httptest.NewRecorder()
	if err := store.Save(r, w, s); err != nil {
		t.Fatal(err)
	}
	for _, c := range w.Result().Cookies() {
		if c.Name == "flamingo" {
			return c.Value
		}
	}
	t.Fatal("FilesystemStore set no cookie")
	return ""
}
