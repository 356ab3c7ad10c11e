package sessionauth_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/infrastructure/cookiesigner"
	"github.com/sessionauth/sessionauth/infrastructure/filestore"
	"github.com/sessionauth/sessionauth/infrastructure/memorystore"
	"github.com/sessionauth/sessionauth/infrastructure/redisstore"
	"github.com/sessionauth/sessionauth/internal/redistest"
)

// TestTokensSealedAtRest logs alice in on each backend and searches the
// backend's raw data for her access, refresh and ID token (and the ID
// token's signature alone): none may be there.
func TestTokensSealedAtRest(t *testing.T) {
	t.Run("memory", func(t *testing.T) {
		repo := memorystore.New(memorystore.Options{MaxAge: time.Hour})
		t.Cleanup(func() { _ = repo.Close() })
		wantNoTokens(t, repo, func(ids []string) []byte { return encodedSessions(t, repo, ids) })
	})
	t.Run("file", func(t *testing.T) {
		dir := t.TempDir()
		repo, err := filestore.New(filestore.Options{Dir: dir, MaxAge: time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = repo.Close() })
		wantNoTokens(t, repo, func([]string) []byte { return directoryBytes(t, dir) })
	})
	t.Run("redis", func(t *testing.T) {
		client := redistest.Standalone(t).Client(t)
		repo := redisstore.New(client, redisstore.Options{KeyPrefix: "sealed:", MaxAge: time.Hour})
		wantNoTokens(t, repo, func([]string) []byte {
			var all bytes.Buffer
			keys, err := client.Keys(context.Background(), "*").Result()
			if err != nil {
				t.Fatal(err)
			}
			for _, k := range keys {
				dump, err := client.Dump(context.Background(), k).Result()
				if err != nil {
					t.Fatal(err)
				}
				fields, _ := client.HGetAll(context.Background(), k).Result()
				all.WriteString(k + dump)
				for f, v := range fields {
					all.WriteString(f + v)
				}
			}
			return all.Bytes()
		})
	})
}

// wantNoTokens logs in through the login stack over repo, reads the tokens
// the application sees, and searches raw(the stored session IDs) for them.
func wantNoTokens(t *testing.T, repo domain.SessionRepository, raw func(ids []string) []byte) {
	t.Helper()
	srv := httptest.NewServer(loginApp(t, repo, time.Hour))
	defer srv.Close()
	browser := loggedInBrowser(t, srv)
	resp, err := browser.Get(srv.URL + "/tokens")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	tokens := strings.Fields(string(body))
	if len(tokens) != 3 {
		t.Fatalf("/tokens: %d %q; want three tokens", resp.StatusCode, body)
	}
	idToken := tokens[2]
	tokens = append(tokens, idToken[strings.LastIndexByte(idToken, '.')+1:])
	ids := storedIDs(t, srv.URL, browser)
	data := raw(ids)
	if len(data) == 0 {
		t.Fatal("no stored data found to search")
	}
	names := []string{"access token", "refresh token", "ID token", "ID token signature"}
	for i, tok := range tokens {
		if bytes.Contains(data, []byte(tok)) {
			t.Errorf("the %s (%d bytes) is in clear in the stored data", names[i], len(tok))
		}
	}
}

// storedIDs are the session IDs in the browser's cookies for base.
func storedIDs(t *testing.T, base string, browser *http.Client) []string {
	signer, err := cookiesigner.New("s", []string{"secret"}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(base)
	var ids []string
	for _, c := range browser.Jar.Cookies(u) {
		if id, err := signer.Verify(c.Value); err == nil {
			ids = append(ids, id)
		}
	}
	return ids
}

// encodedSessions returns the stored encodings of the sessions ids: the
// values exactly as the memory repository holds them.
func encodedSessions(t *testing.T, repo domain.SessionRepository, ids []string) []byte {
	var all bytes.Buffer
	for _, id := range ids {
		s, err := repo.Load(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		c, err := s.Changes(0)
		if err != nil {
			t.Fatal(err)
		}
		for k, b := range c.All {
			all.WriteString(k)
			all.Write(b)
		}
	}
	return all.Bytes()
}

func directoryBytes(t *testing.T, dir string) []byte {
	var all bytes.Buffer
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err == nil {
			all.Write(b)
		}
	}
	return all.Bytes()
}
