package bench_test

import (
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/infrastructure/cookiesigner"
	"github.com/sessionauth/sessionauth/infrastructure/memorystore"
	"github.com/sessionauth/sessionauth/interfaces/web"
)

// liveMap is the floor of the memory variants: the sessions' values in a
// map of maps under a lock, addressed by an unsigned cookie, with no
// expiry, no change tracking and no signature.
type liveMap struct {
	mu       sync.RWMutex
	sessions map[string]map[string]any
}

type liveMapAccess struct{ m *liveMap }

func (a liveMapAccess) session(r *http.Request) map[string]any {
	c, err := r.Cookie("sid")
	if err != nil {
		return nil
	}
	return a.m.sessions[c.Value]
}

func (a liveMapAccess) get(r *http.Request, key string) any {
	a.m.mu.RLock()
	defer a.m.mu.RUnlock()
	return a.session(r)[key]
}

func (a liveMapAccess) put(r *http.Request, key string, v any) {
	a.m.mu.Lock()
	defer a.m.mu.Unlock()
	if s := a.session(r); s != nil {
		s[key] = v
	}
}

func floorMemory(b *testing.B, _ *redisEnv) *served {
	id := domain.NewSessionID()
	m := &liveMap{sessions: map[string]map[string]any{id: tenValues()}}
	mux := http.NewServeMux()
	mux.HandleFunc("/init", func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "sid", Value: id})
	})
	mux.Handle("/", app(liveMapAccess{m}, nil))
	return &served{handler: mux, cookie: "sid"}
}

// sessionauthAccess is sessionauth's *web.Session from the request context.
type sessionauthAccess struct{}

func (sessionauthAccess) get(r *http.Request, key string) any {
	return web.SessionFromContext(r.Context()).Try(key)
}

func (sessionauthAccess) put(r *http.Request, key string, v any) {
	web.SessionFromContext(r.Context()).Store(key, v)
}

// sessionauthMiddleware is sessionauth's SessionMiddleware on repo.
func sessionauthMiddleware(b *testing.B, repo domain.SessionRepository) http.Handler {
	signer, err := cookiesigner.New("flamingo", []string{"bench secret"}, maxAge*time.Second)
	if err != nil {
		b.Fatal(err)
	}
	mw := web.NewSessionMiddleware(repo, signer, web.SessionOptions{Name: "flamingo", MaxAge: maxAge * time.Second})
	return mw.Handler(app(sessionauthAccess{}, nil))
}

func sessionauthMemory(b *testing.B, _ *redisEnv) *served {
	repo := memorystore.New(memorystore.Options{MaxAge: maxAge * time.Second, MaxSize: maxSize})
	b.Cleanup(func() { _ = repo.Close() })
	return &served{handler: sessionauthMiddleware(b, repo), cookie: "flamingo"}
}

// scsAccess is scs's session manager.
type scsAccess struct{ m *scs.SessionManager }

func (a scsAccess) get(r *http.Request, key string) any { return a.m.Get(r.Context(), key) }
func (a scsAccess) put(r *http.Request, key string, v any) {
	a.m.Put(r.Context(), key, v)
}

func newSCS(store scs.Store) *scs.SessionManager {
	m := scs.New()
	m.Store = store
	m.Lifetime = maxAge * time.Second
	m.Cookie.Name = "session"
	return m
}

func scsMemory(b *testing.B, _ *redisEnv) *served {
	m := scs.New() // its default store is memstore
	m.Lifetime = maxAge * time.Second
	m.Cookie.Name = "session"
	return &served{handler: m.LoadAndSave(app(scsAccess{m}, nil)), cookie: "session"}
}
