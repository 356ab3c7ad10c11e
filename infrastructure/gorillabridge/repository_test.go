package gorillabridge_test

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/securecookie"
	"github.com/gorilla/sessions"
	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/infrastructure/gorillabridge"
	"github.com/sessionauth/sessionauth/infrastructure/memorystore"
	"github.com/sessionauth/sessionauth/sessiontest"
)

const gorillaCookieName = "sessionauth"

// TestGorillaSessionRepository runs the contract suite over gorilla's
// FilesystemStore. The corrupter finds the file a session ID points to by
// decoding the ID, which is the store's own cookie, with the store's codecs.
func TestGorillaSessionRepository(t *testing.T) {
	dir := t.TempDir()
	store := sessions.NewFilesystemStore(dir, []byte("filesystem store hash key, 32 b"))
	store.MaxLength(0)
	sessiontest.Run(t, func(t *testing.T, cfg sessiontest.Config) domain.SessionRepository {
		return gorillabridge.NewRepository(store, gorillabridge.Options{
			Name: gorillaCookieName, MaxAge: cfg.MaxAge, MaxSize: cfg.MaxSize,
		})
	}, sessiontest.WithCorrupter(func(t *testing.T, _ domain.SessionRepository, id string) {
		var fileID string
		if err := securecookie.DecodeMulti(gorillaCookieName, id, &fileID, store.Codecs...); err != nil {
			t.Fatalf("the session ID is not a cookie of the store: %v", err)
		}
		path := filepath.Join(dir, "session_"+fileID)
		if _, err := os.Stat(path); err != nil {
			t.Fatalf("no file for the session: %v", err)
		}
		if err := os.WriteFile(path, []byte("not a session"), 0o600); err != nil {
			t.Fatal(err)
		}
	}))
}

// TestGorillaBridgesCompose runs the contract suite over a gorilla store that
// is itself a Store over the memory repository: each bridge undoes
// the other.
func TestGorillaBridgesCompose(t *testing.T) {
	sessiontest.Run(t, func(t *testing.T, cfg sessiontest.Config) domain.SessionRepository {
		memory := memorystore.New(memorystore.Options{MaxAge: time.Hour})
		t.Cleanup(func() { _ = memory.Close() })
		store := gorillabridge.NewStore(memory, gorillaSigner(t, "secret"), sessions.Options{Path: "/", MaxAge: 3600})
		return gorillabridge.NewRepository(store, gorillabridge.Options{
			MaxAge: cfg.MaxAge, MaxSize: cfg.MaxSize,
		})
	})
}

// gorillaBrokenStore is a gorilla store whose backend is down.
type gorillaBrokenStore struct{ sessions.Store }

var errGorillaStoreDown = errors.New("store down")

func (gorillaBrokenStore) New(r *http.Request, name string) (*sessions.Session, error) {
	return sessions.NewSession(nil, name), errGorillaStoreDown
}

func TestGorillaSessionRepositoryBackendFailure(t *testing.T) {
	repo := gorillabridge.NewRepository(gorillaBrokenStore{}, gorillabridge.Options{})
	ctx := context.Background()
	id := "a-cookie-value"
	if _, err := repo.Load(ctx, id); !errors.Is(err, errGorillaStoreDown) || errors.Is(err, domain.ErrSessionNotFound) {
		t.Errorf("Load = %v; want the store's error, not ErrSessionNotFound", err)
	}
	if err := repo.Delete(ctx, id); !errors.Is(err, errGorillaStoreDown) {
		t.Errorf("Delete = %v; want the store's error", err)
	}
	s := domain.NewSession()
	s.Values["a"] = 1
	if err := repo.Save(ctx, s); !errors.Is(err, errGorillaStoreDown) {
		t.Errorf("Save = %v; want the store's error", err)
	}
	if !s.IsNew() {
		t.Error("a session that failed to save reports IsNew() = false")
	}
}

func TestGorillaSessionRepositoryReservedKey(t *testing.T) {
	store := sessions.NewFilesystemStore(t.TempDir(), []byte("filesystem store hash key, 32 b"))
	repo := gorillabridge.NewRepository(store, gorillabridge.Options{})
	s := domain.NewSession()
	s.Values["\x00sessionauth.expires"] = int64(0)
	err := repo.Save(context.Background(), s)
	if err == nil || !strings.Contains(err.Error(), "reserved") {
		t.Fatalf("Save of the key holding the expiry = %v; want an error saying it is reserved", err)
	}
}

// TestGorillaSessionRepositoryIDIsStoreCookie checks that the ID is the
// store's cookie: gorilla itself finds the record with it.
func TestGorillaSessionRepositoryIDIsStoreCookie(t *testing.T) {
	store := sessions.NewFilesystemStore(t.TempDir(), []byte("filesystem store hash key, 32 b"))
	repo := gorillabridge.NewRepository(store, gorillabridge.Options{Name: "custom"})
	s := domain.NewSession()
	s.Values["a"] = "b"
	if err := repo.Save(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	r, _ := http.NewRequest(http.MethodGet, "/", nil)
	r.AddCookie(&http.Cookie{Name: "custom", Value: s.ID()})
	gs, err := store.New(r, "custom")
	if err != nil || gs.IsNew {
		t.Fatalf("store.New with the session ID as cookie = IsNew %v, %v; want the stored record", gs.IsNew, err)
	}
	if _, ok := gs.Values["a"].([]byte); !ok {
		t.Fatalf("stored value of a = %#v; want its encoded bytes", gs.Values["a"])
	}
}
