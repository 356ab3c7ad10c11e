package gorillabridge_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/sessions"
	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/infrastructure/cookiesigner"
	"github.com/sessionauth/sessionauth/infrastructure/gorillabridge"
	"github.com/sessionauth/sessionauth/infrastructure/memorystore"
)

const gorillaStoreCookie = "sid"

// gorillaCountingRepository counts the writes that reach a repository.
type gorillaCountingRepository struct {
	domain.SessionRepository
	saves atomic.Int32
}

func (c *gorillaCountingRepository) Save(ctx context.Context, s *domain.Session) error {
	c.saves.Add(1)
	return c.SessionRepository.Save(ctx, s)
}

func gorillaSigner(t *testing.T, secret string) *cookiesigner.Signer {
	t.Helper()
	signer, err := cookiesigner.New(gorillaStoreCookie, []string{secret}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	return signer
}

type gorillaFixture struct {
	store  *gorillabridge.Store
	repo   *gorillaCountingRepository
	signer *cookiesigner.Signer
}

func newGorillaFixture(t *testing.T) *gorillaFixture {
	return newGorillaFixtureWithLifetime(t, time.Hour)
}

// newGorillaFixtureWithLifetime is a fixture whose repository keeps
// sessions for lifetime; the store's cookies last an hour.
func newGorillaFixtureWithLifetime(t *testing.T, lifetime time.Duration) *gorillaFixture {
	memory := memorystore.New(memorystore.Options{MaxAge: lifetime})
	t.Cleanup(func() { _ = memory.Close() })
	f := &gorillaFixture{repo: &gorillaCountingRepository{SessionRepository: memory}, signer: gorillaSigner(t, "the secret")}
	f.store = gorillabridge.NewStore(f.repo, f.signer, sessions.Options{Path: "/", MaxAge: 3600, HttpOnly: true})
	return f
}

// serve runs handle for a request carrying cookie, if any, and returns the
// response.
func (f *gorillaFixture) serve(t *testing.T, cookie *http.Cookie, handle func(w http.ResponseWriter, r *http.Request)) *http.Response {
	t.Helper()
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	if cookie != nil {
		r.AddCookie(cookie)
	}
	w := httptest.NewRecorder()
	handle(w, r)
	return w.Result()
}

// get is a handler's store.Get, failing the test on error.
func (f *gorillaFixture) get(t *testing.T, r *http.Request) *sessions.Session {
	gs, err := f.store.Get(r, gorillaStoreCookie)
	if err != nil {
		t.Errorf("Get: %v", err)
	}
	return gs
}

// create stores a session holding values and returns its cookie.
func (f *gorillaFixture) create(t *testing.T, values map[string]any) *http.Cookie {
	t.Helper()
	resp := f.serve(t, nil, func(w http.ResponseWriter, r *http.Request) {
		gs := f.get(t, r)
		for k, v := range values {
			gs.Values[k] = v
		}
		if err := sessions.Save(r, w); err != nil {
			t.Errorf("Save: %v", err)
		}
	})
	return gorillaSessionCookie(t, resp)
}

// values loads the session the cookie points to from the repository itself.
func (f *gorillaFixture) values(t *testing.T, cookie *http.Cookie) map[string]any {
	t.Helper()
	id, err := f.signer.Verify(cookie.Value)
	if err != nil {
		t.Fatalf("cookie does not verify: %v", err)
	}
	s, err := f.repo.Load(context.Background(), id)
	if err != nil {
		t.Fatalf("repository Load: %v", err)
	}
	return s.Values
}

func gorillaSessionCookie(t *testing.T, resp *http.Response) *http.Cookie {
	t.Helper()
	var found *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == gorillaStoreCookie {
			if found != nil {
				t.Fatalf("two %q cookies set", gorillaStoreCookie)
			}
			found = c
		}
	}
	if found == nil {
		t.Fatalf("no %q cookie set", gorillaStoreCookie)
	}
	return found
}

func TestGorillaStorePersistsValues(t *testing.T) {
	f := newGorillaFixture(t)
	cookie := f.create(t, map[string]any{"user": "alice", "n": 1})
	if !cookie.HttpOnly || cookie.Path != "/" || cookie.MaxAge != 3600 {
		t.Errorf("cookie = %+v; want the store's options", cookie)
	}
	f.serve(t, cookie, func(w http.ResponseWriter, r *http.Request) {
		gs := f.get(t, r)
		if gs.IsNew || gs.Values["user"] != "alice" || gs.Values["n"] != 1 {
			t.Errorf("next request: IsNew %v, Values %v; want the stored values", gs.IsNew, gs.Values)
		}
	})
	if got := f.values(t, cookie); got["user"] != "alice" || got["n"] != 1 {
		t.Errorf("repository holds %v", got)
	}
}

func TestGorillaStoreEmptyNewSessionIsNotSaved(t *testing.T) {
	f := newGorillaFixture(t)
	resp := f.serve(t, nil, func(w http.ResponseWriter, r *http.Request) {
		if gs := f.get(t, r); !gs.IsNew {
			t.Error("a request without cookie has IsNew = false")
		}
		if err := sessions.Save(r, w); err != nil {
			t.Errorf("Save: %v", err)
		}
	})
	if n := f.repo.saves.Load(); n != 0 || len(resp.Cookies()) != 0 {
		t.Errorf("empty new session: %d repository saves, cookies %v; want none", n, resp.Cookies())
	}
}

// gorillaFlamingoRequest is the request Flamingo hands to Save: one carrying the
// session's ID as its cookie.
func gorillaFlamingoRequest(gs *sessions.Session) *http.Request {
	return &http.Request{Header: http.Header{"Cookie": {gorillaStoreCookie + "=" + gs.ID}}}
}

// TestGorillaStoreDoubleSaveWritesOnce saves the whole session twice per
// request, as Flamingo does: a changed session is written once, an
// unchanged one not at all unless its expiry has run down by a tenth of
// the cookie's Max-Age (an hour), and then once, with a new cookie.
func TestGorillaStoreDoubleSaveWritesOnce(t *testing.T) {
	tests := []struct {
		name     string
		lifetime time.Duration // the repository's: how far away the expiry is at load
		change   func(gs *sessions.Session)
		saves    int32
		want     map[string]any
	}{
		{"unchanged", time.Hour, func(*sessions.Session) {}, 0, map[string]any{"a": 1, "b": "x"}},
		{"unchanged, expiry ran down by a tenth", 50 * time.Minute, func(*sessions.Session) {}, 1, map[string]any{"a": 1, "b": "x"}},
		{"changed", time.Hour, func(gs *sessions.Session) { gs.Values["a"] = 2 }, 1, map[string]any{"a": 2, "b": "x"}},
		{"deleted", time.Hour, func(gs *sessions.Session) { delete(gs.Values, "b") }, 1, map[string]any{"a": 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newGorillaFixtureWithLifetime(t, tc.lifetime)
			cookie := f.create(t, map[string]any{"a": 1, "b": "x"})
			before := f.repo.saves.Load()
			resp := f.serve(t, cookie, func(w http.ResponseWriter, r *http.Request) {
				gs, err := f.store.New(r, gorillaStoreCookie)
				if err != nil {
					t.Fatalf("New: %v", err)
				}
				tc.change(gs)
				for i := 0; i < 2; i++ {
					if err := f.store.Save(gorillaFlamingoRequest(gs), w, gs); err != nil {
						t.Fatalf("Save %d: %v", i+1, err)
					}
				}
			})
			if n := f.repo.saves.Load() - before; n != tc.saves {
				t.Errorf("%d repository saves for one request; want %d", n, tc.saves)
			}
			if tc.saves == 0 {
				if len(resp.Cookies()) != 0 {
					t.Errorf("cookies %v set without a save; want none", resp.Cookies())
				}
				resp.Header.Set("Set-Cookie", cookie.String())
			}
			if got := f.values(t, gorillaSessionCookie(t, resp)); !gorillaEqual(got, tc.want) {
				t.Errorf("stored values %v; want %v", got, tc.want)
			}
		})
	}
}

func TestGorillaStoreSessionIDAddressesSession(t *testing.T) {
	f := newGorillaFixture(t)
	cookie := f.create(t, map[string]any{"a": 1})
	f.serve(t, cookie, func(w http.ResponseWriter, r *http.Request) {
		gs := f.get(t, r)
		again, err := f.store.New(gorillaFlamingoRequest(gs), gorillaStoreCookie)
		if err != nil || again.IsNew || again.Values["a"] != 1 {
			t.Errorf("New with the session's ID as cookie = IsNew %v, Values %v, %v; want the session", again.IsNew, again.Values, err)
		}
	})
}

// TestGorillaStoreParallelRequests lets two requests load one session
// before either saves; each changes a key of its own, and both survive.
func TestGorillaStoreParallelRequests(t *testing.T) {
	f := newGorillaFixture(t)
	cookie := f.create(t, map[string]any{"shared": "s"})
	var loaded, done sync.WaitGroup
	loaded.Add(2)
	for _, key := range []string{"left", "right"} {
		done.Add(1)
		go func() {
			defer done.Done()
			f.serve(t, cookie, func(w http.ResponseWriter, r *http.Request) {
				gs := f.get(t, r)
				loaded.Done()
				loaded.Wait()
				gs.Values[key] = key
				if err := sessions.Save(r, w); err != nil {
					t.Errorf("Save: %v", err)
				}
			})
		}()
	}
	done.Wait()
	want := map[string]any{"shared": "s", "left": "left", "right": "right"}
	if got := f.values(t, cookie); !gorillaEqual(got, want) {
		t.Errorf("stored values %v; want %v", got, want)
	}
}

func TestGorillaStoreForgedCookie(t *testing.T) {
	f := newGorillaFixture(t)
	cookie := f.create(t, map[string]any{"user": "alice"})
	id, _ := f.signer.Verify(cookie.Value)
	otherSecret, _ := gorillaSigner(t, "another secret").Sign(id)
	unknown, _ := f.signer.Sign(domain.NewSessionID())
	tampered := []byte(cookie.Value)
	tampered[10] ^= 1
	for name, value := range map[string]string{
		"garbage": "forged", "other secret": otherSecret, "unknown ID": unknown, "tampered": string(tampered),
	} {
		t.Run(name, func(t *testing.T) {
			f.serve(t, &http.Cookie{Name: gorillaStoreCookie, Value: value}, func(w http.ResponseWriter, r *http.Request) {
				gs, err := f.store.New(r, gorillaStoreCookie)
				if err != nil || !gs.IsNew || len(gs.Values) != 0 {
					t.Errorf("New = IsNew %v, Values %v, %v; want a new empty session and no error", gs.IsNew, gs.Values, err)
				}
			})
		})
	}
	if got := f.values(t, cookie); got["user"] != "alice" {
		t.Errorf("stored session changed: %v", got)
	}
}

func TestGorillaStoreNegativeMaxAgeDeletes(t *testing.T) {
	f := newGorillaFixture(t)
	cookie := f.create(t, map[string]any{"user": "alice"})
	id, _ := f.signer.Verify(cookie.Value)
	resp := f.serve(t, cookie, func(w http.ResponseWriter, r *http.Request) {
		gs := f.get(t, r)
		gs.Options.MaxAge = -1
		if err := gs.Save(r, w); err != nil {
			t.Errorf("Save: %v", err)
		}
	})
	if expired := gorillaSessionCookie(t, resp); expired.MaxAge >= 0 || expired.Value != "" {
		t.Errorf("cookie after MaxAge -1 = %+v; want an expired empty cookie", expired)
	}
	if _, err := f.repo.Load(context.Background(), id); !errors.Is(err, domain.ErrSessionNotFound) {
		t.Errorf("repository Load after MaxAge -1 = %v; want ErrSessionNotFound", err)
	}
	f.serve(t, cookie, func(w http.ResponseWriter, r *http.Request) {
		if gs := f.get(t, r); !gs.IsNew {
			t.Error("the old cookie still loads a session")
		}
	})
}

func TestGorillaStoreNonStringKey(t *testing.T) {
	f := newGorillaFixture(t)
	resp := f.serve(t, nil, func(w http.ResponseWriter, r *http.Request) {
		gs := f.get(t, r)
		gs.Values["ok"] = 1
		gs.Values[42] = "x"
		err := f.store.Save(r, w, gs)
		if err == nil || !strings.Contains(err.Error(), "string keys") {
			t.Errorf("Save with an int key = %v; want an error about string keys", err)
		}
	})
	if n := f.repo.saves.Load(); n != 0 || len(resp.Cookies()) != 0 {
		t.Errorf("failed save: %d repository saves, cookies %v; want none", n, resp.Cookies())
	}
}

// gorillaFailingRepository is a repository whose backend is down.
type gorillaFailingRepository struct{ gorillaCountingRepository }

var errGorillaBackendDown = errors.New("backend down")

func (*gorillaFailingRepository) Load(context.Context, string) (*domain.Session, error) {
	return nil, errGorillaBackendDown
}

// TestGorillaStoreBackendFailure checks that a session the repository
// failed to load is returned with the error and never saved over the
// visitor's session.
func TestGorillaStoreBackendFailure(t *testing.T) {
	f := newGorillaFixture(t)
	cookie := f.create(t, map[string]any{"user": "alice"})
	failing := &gorillaFailingRepository{gorillaCountingRepository{SessionRepository: f.repo}}
	store := gorillabridge.NewStore(failing, f.signer, sessions.Options{Path: "/"})
	resp := f.serve(t, cookie, func(w http.ResponseWriter, r *http.Request) {
		gs, err := store.New(r, gorillaStoreCookie)
		if !errors.Is(err, errGorillaBackendDown) || gs == nil {
			t.Fatalf("New = %v, %v; want a session and the backend's error", gs, err)
		}
		gs.Values["user"] = "mallory"
		if err := store.Save(r, w, gs); !errors.Is(err, errGorillaBackendDown) {
			t.Errorf("Save = %v; want it refused with the load error", err)
		}
	})
	if n := failing.saves.Load(); n != 0 || len(resp.Cookies()) != 0 {
		t.Errorf("%d saves, cookies %v; want none", n, resp.Cookies())
	}
}

func gorillaEqual(got, want map[string]any) bool {
	if len(got) != len(want) {
		return false
	}
	for k, v := range want {
		if w, ok := got[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// wrappingStore is a store of another package wrapped around the bridge
// (logging, metrics, a framework's adapter): its Get goes through gorilla's
// registry with itself as the store, and its New and Save pass on.
type wrappingStore struct{ inner sessions.Store }

func (w wrappingStore) Get(r *http.Request, name string) (*sessions.Session, error) {
	return sessions.GetRegistry(r).Get(w, name)
}
func (w wrappingStore) New(r *http.Request, name string) (*sessions.Session, error) {
	return w.inner.New(r, name)
}
func (w wrappingStore) Save(r *http.Request, rw http.ResponseWriter, gs *sessions.Session) error {
	return w.inner.Save(r, rw, gs)
}

// TestGorillaStoreThroughOtherRegistries: a session that gorilla's registry
// hands out for a store other than the bridge's own Get (the bridge itself,
// or a store wrapped around it) keeps its ID and merges its changes, is
// deleted by MaxAge -1, and is not saved over after a failed load.
func TestGorillaStoreThroughOtherRegistries(t *testing.T) {
	ways := map[string]func(*gorillabridge.Store) sessions.Store{
		"the bridge in the registry": func(s *gorillabridge.Store) sessions.Store { return s },
		"a wrapping store":           func(s *gorillabridge.Store) sessions.Store { return wrappingStore{s} },
	}
	for name, way := range ways {
		t.Run(name, func(t *testing.T) {
			f := newGorillaFixture(t)
			store := way(f.store)
			get := func(r *http.Request) *sessions.Session {
				gs, err := sessions.GetRegistry(r).Get(store, gorillaStoreCookie)
				if err != nil {
					t.Errorf("registry Get: %v", err)
				}
				return gs
			}
			cookie := f.create(t, map[string]any{"a": 1})
			id, _ := f.signer.Verify(cookie.Value)
			resp := f.serve(t, cookie, func(w http.ResponseWriter, r *http.Request) {
				gs := get(r)
				gs.Values["b"] = "2"
				if err := gs.Save(r, w); err != nil {
					t.Errorf("Save: %v", err)
				}
			})
			saved := gorillaSessionCookie(t, resp)
			if got, _ := f.signer.Verify(saved.Value); got != id {
				t.Errorf("the save moved the session to another ID")
			}
			if got := f.values(t, cookie); !gorillaEqual(got, map[string]any{"a": 1, "b": "2"}) {
				t.Errorf("stored values %v; want a and b", got)
			}

			f.serve(t, cookie, func(w http.ResponseWriter, r *http.Request) {
				gs := get(r)
				gs.Options.MaxAge = -1
				if err := gs.Save(r, w); err != nil {
					t.Errorf("Save with MaxAge -1: %v", err)
				}
			})
			if _, err := f.repo.Load(context.Background(), id); !errors.Is(err, domain.ErrSessionNotFound) {
				t.Errorf("repository Load after MaxAge -1 = %v; want ErrSessionNotFound", err)
			}

			cookie = f.create(t, map[string]any{"user": "alice"})
			failing := &gorillaFailingRepository{gorillaCountingRepository{SessionRepository: f.repo}}
			down := way(gorillabridge.NewStore(failing, f.signer, sessions.Options{Path: "/"}))
			f.serve(t, cookie, func(w http.ResponseWriter, r *http.Request) {
				gs, err := sessions.GetRegistry(r).Get(down, gorillaStoreCookie)
				if !errors.Is(err, errGorillaBackendDown) {
					t.Errorf("registry Get = %v; want the backend's error", err)
				}
				gs.Values["user"] = "mallory"
				if err := gs.Save(r, w); !errors.Is(err, errGorillaBackendDown) {
					t.Errorf("Save = %v; want it refused with the load error", err)
				}
			})
			if n := failing.saves.Load(); n != 0 {
				t.Errorf("%d saves after a failed load; want none", n)
			}
		})
	}
}
