package backends_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/gorilla/sessions"
	"github.com/redis/go-redis/v9"

	"github.com/sessionauth/sessionauth/config"
	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/internal/backends"
	"github.com/sessionauth/sessionauth/internal/redistest"
)

// session reads cfg as the root package does.
func session(t *testing.T, cfg map[string]any) config.Session {
	t.Helper()
	v, ps := config.Normalize(cfg)
	s, ps2 := config.ReadSession(v)
	ps.Join(ps2)
	if err := ps.Err(); err != nil {
		t.Fatal(err)
	}
	return s
}

// roundTrip saves a session in repo and loads it back.
func roundTrip(t *testing.T, repo domain.SessionRepository) {
	t.Helper()
	s := domain.NewSession().Store("user", "alice")
	if err := repo.Save(context.Background(), s); err != nil {
		t.Fatalf("save: %v", err)
	}
	got, err := repo.Load(context.Background(), s.ID())
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	if v, _ := got.Load("user"); v != "alice" {
		t.Errorf("loaded user = %v, want alice", v)
	}
}

func TestRedisRefusesWhatDoesNotAnswer(t *testing.T) {
	quick := map[string]any{"flamingo.session.redis.timeout": "300ms"}
	tests := []struct {
		name string
		cfg  map[string]any
		want []string // in the error
		not  string   // never in the error
	}{
		{"host", map[string]any{"flamingo.session.redis.host": "127.0.0.1:1"},
			[]string{`flamingo.session.redis.host = "127.0.0.1:1"`, "does not answer within 300ms"}, ""},
		{"url", map[string]any{"flamingo.session.redis.url": "redis://app:hunter2@127.0.0.1:1/0"},
			[]string{"flamingo.session.redis.url = ", "127.0.0.1:1"}, "hunter2"},
		{"sentinel", map[string]any{"flamingo.session.redis.sentinel.master": "main", "flamingo.session.redis.sentinel.addresses": "127.0.0.1:1"},
			[]string{`flamingo.session.redis.sentinel.addresses = "127.0.0.1:1" (master "main")`}, ""},
		{"url that is no URL", map[string]any{"flamingo.session.redis.url": "http://127.0.0.1:1"},
			[]string{"flamingo.session.redis.url"}, "does not answer"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := map[string]any{"flamingo.session.backend": "redis"}
			for k, v := range quick {
				cfg[k] = v
			}
			for k, v := range tc.cfg {
				cfg[k] = v
			}
			repo, err := backends.Redis(slog.Default(), nil)(session(t, cfg))
			if err == nil {
				t.Fatalf("repository %T, want an error", repo)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			if tc.not != "" && strings.Contains(err.Error(), tc.not) {
				t.Errorf("error %q contains %q", err, tc.not)
			}
		})
	}
}

func TestRedisStoresSessions(t *testing.T) {
	srv := redistest.Standalone(t)
	repo, err := backends.Redis(slog.Default(), nil)(session(t, map[string]any{"flamingo.session.redis.host": srv.Addr}))
	if err != nil {
		t.Fatal(err)
	}
	roundTrip(t, repo)
}

func TestBoundRedisClient(t *testing.T) {
	srv := redistest.Standalone(t)
	// The configured host does not answer: the bound client is used instead.
	s := session(t, map[string]any{"flamingo.session.redis.host": "127.0.0.1:1", "flamingo.session.redis.timeout": "300ms"})
	repo, err := backends.Redis(slog.Default(), srv.Client(t))(s)
	if err != nil {
		t.Fatal(err)
	}
	roundTrip(t, repo)

	dead := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1"})
	t.Cleanup(func() { _ = dead.Close() })
	_, err = backends.Redis(slog.Default(), dead)(s)
	if err == nil || !strings.Contains(err.Error(), "the bound redis.UniversalClient does not answer within 300ms") {
		t.Errorf("bound client that does not answer: %v", err)
	}
}

func TestCustom(t *testing.T) {
	s := session(t, nil)
	if _, err := backends.Custom(nil)(s); err == nil || !strings.Contains(err.Error(), "sessionauth.CustomSessionBackend") {
		t.Errorf("custom without a store: %v, want one naming sessionauth.CustomSessionBackend", err)
	}
	store := sessions.NewCookieStore([]byte("0123456789abcdef0123456789abcdef"))
	repo, err := backends.Custom(func() sessions.Store { return store })(s)
	if err != nil {
		t.Fatal(err)
	}
	if repo == nil {
		t.Fatal("no repository")
	}
}

func TestMemoryAndFile(t *testing.T) {
	evictions := 0
	evicted := func() { evictions++ }
	mem, err := backends.Memory(evicted)(session(t, map[string]any{"flamingo.session.memory.maxSessions": 1}))
	if err != nil {
		t.Fatal(err)
	}
	roundTrip(t, mem)
	roundTrip(t, mem)
	if evictions != 1 {
		t.Errorf("memory evictions = %d, want 1 (maxSessions 1, two sessions)", evictions)
	}
	file, err := backends.File(evicted)(session(t, map[string]any{"flamingo.session.backend": "file", "flamingo.session.file": t.TempDir()}))
	if err != nil {
		t.Fatal(err)
	}
	roundTrip(t, file)
	if c, ok := file.(domain.SessionRepositoryCloser); ok {
		t.Cleanup(func() { _ = c.Close() })
	}
}
