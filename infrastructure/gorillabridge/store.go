package gorillabridge

import (
	"errors"
	"fmt"
	"net/http"
	"runtime"
	"sync"
	"time"
	"weak"

	"github.com/gorilla/sessions"
	"github.com/sessionauth/sessionauth/domain"
)

// Store makes a domain.SessionRepository a gorilla/sessions Store.
// Bound as a Flamingo application's CustomSessionBackend, it keeps
// Flamingo's own sessions in one of our repositories.
//
// The cookie carries the session ID signed by the CookieSigner, and the
// gorilla session's ID is that cookie value: Flamingo addresses a session by
// putting its ID in a cookie and calling New, so New must accept it. The
// value changes whenever the cookie is signed again.
//
// New loads the session the cookie points to. A missing, forged or expired
// cookie, or a session the repository does not hold, gives a new session
// (IsNew) and no error. When the repository fails, New returns a new session
// together with the error, as gorilla's stores do, and Save refuses to write
// that session, so a backend failure never replaces a visitor's session.
//
// Save writes only what changed since New loaded the session, key by key,
// so concurrent requests that change different keys keep both changes, and
// sets the cookie when it wrote. An unchanged session is written (to
// refresh its expiry, with the cookie signed again) only when its expiry
// has run down by a tenth of Options.MaxAge, and then once per request, as
// SessionMiddleware does; so a read-only request costs no write, and
// Flamingo's habit of saving the whole session twice per request costs one
// write at most. Keys must be strings, or Save fails without writing. A new
// session without values is not saved and sets no cookie. Options.MaxAge < 0
// deletes the session and expires the cookie.
//
// A Store is safe for concurrent use; a single sessions.Session is
// not, as with every gorilla store.
type Store struct {
	repo     domain.SessionRepository
	signer   domain.CookieSigner
	opts     sessions.Options
	migrator domain.SessionMigrator // sessions of the store used before; nil: none

	// Save must know the domain session each gorilla session was loaded
	// as, to tell what changed. The request context cannot carry it,
	// because Flamingo calls Save with a request of its own making; a
	// hidden entry in Values would show in Flamingo's Keys and be wiped by
	// ClearAll; and the session's store cannot, because gorilla's registry
	// replaces it with whichever store the registry was asked with (this
	// one, or a store wrapped around it). So tracked holds it, keyed by a
	// weak pointer to the gorilla session; a cleanup drops the entry when
	// the gorilla session is collected.
	mu      sync.Mutex
	tracked map[weak.Pointer[sessions.Session]]*gorillaTracked
}

// gorillaTracked is what a Store knows of one gorilla session: the
// domain session it was loaded as, which holds what was loaded.
type gorillaTracked struct {
	mu      sync.Mutex
	session *domain.Session
	saved   bool  // a Save of this gorilla session wrote to the repository
	loadErr error // the repository failed in New: nothing may be saved

	cookieDue bool // migrated in New: the first Save sets the new cookie
}

var _ sessions.Store = (*Store)(nil)

// NewStore returns a store keeping sessions in repo, with cookies
// signed by signer and set with opts.
func NewStore(repo domain.SessionRepository, signer domain.CookieSigner, opts sessions.Options) *Store {
	return &Store{
		repo:    repo,
		signer:  signer,
		opts:    opts,
		tracked: make(map[weak.Pointer[sessions.Session]]*gorillaTracked),
	}
}

// Get returns the session called name of the request, loading it once per
// request through the gorilla registry.
func (s *Store) Get(r *http.Request, name string) (*sessions.Session, error) {
	return sessions.GetRegistry(r).Get(s, name)
}

// New loads the session that the request's cookie called name points to,
// or returns a new one; see Store.
func (s *Store) New(r *http.Request, name string) (*sessions.Session, error) {
	ds, cookie, migrated, err := s.load(r, name)
	t := &gorillaTracked{session: ds, loadErr: err}
	gs := sessions.NewSession(s, name)
	*gs.Options, gs.IsNew = s.opts, true
	s.track(gs, t)
	if err != nil {
		return gs, fmt.Errorf("gorilla store: new: %w", err)
	}
	if !ds.IsNew() {
		gs.ID, gs.IsNew = cookie, false
		t.cookieDue = migrated
		gs.Values = make(map[any]any, len(ds.Values))
		for k, v := range ds.Values {
			gs.Values[k] = v
		}
	}
	return gs, nil
}

// load returns the stored session the cookie points to and the cookie
// value, or a new session when there is none; migrated reports a session
// that the migrator brought under a new cookie value.
func (s *Store) load(r *http.Request, name string) (ds *domain.Session, cookie string, migrated bool, err error) {
	if sc, ok := s.repo.(domain.SessionCookies); ok {
		return loadCookies(r, sc)
	}
	c, err := r.Cookie(name)
	if err != nil {
		return domain.NewSession(), "", false, nil
	}
	id, err := s.signer.Verify(c.Value)
	if err != nil {
		return s.migrate(r, c.Value)
	}
	ds, err = s.repo.Load(r.Context(), id)
	if errors.Is(err, domain.ErrSessionNotFound) {
		return s.migrate(r, c.Value)
	}
	if err != nil {
		return domain.NewSession(), "", false, err
	}
	return ds, c.Value, false, nil
}

// loadCookies returns the session a repository that keeps sessions in
// cookies finds in the request's cookies; the session's ID stands for the
// cookie value.
func loadCookies(r *http.Request, sc domain.SessionCookies) (*domain.Session, string, bool, error) {
	ds, err := sc.LoadCookies(r.Context(), r.Cookies())
	switch {
	case errors.Is(err, domain.ErrSessionNotFound):
		return domain.NewSession(), "", false, nil
	case err != nil:
		return domain.NewSession(), "", false, err
	}
	return ds, ds.ID(), false, nil
}

// saveCookies saves ds through a repository that keeps sessions in
// cookies and sets the cookies it returns.
func saveCookies(r *http.Request, w http.ResponseWriter, sc domain.SessionCookies, ds *domain.Session) error {
	cookies, err := sc.SaveCookies(r.Context(), ds, r.Cookies())
	if err != nil {
		return fmt.Errorf("gorilla store: save: %w", err)
	}
	for _, c := range cookies {
		http.SetCookie(w, c)
	}
	return nil
}

// Save writes what changed in gs since it was loaded and sets the cookie;
// see Store.
func (s *Store) Save(r *http.Request, w http.ResponseWriter, gs *sessions.Session) error {
	t := s.tracking(gs)
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.loadErr != nil {
		return fmt.Errorf("gorilla store: save: the session could not be loaded, so it is not overwritten: %w", t.loadErr)
	}
	if gs.Options == nil {
		opts := s.opts
		gs.Options = &opts
	}
	if gs.Options.MaxAge < 0 {
		return s.destroy(r, w, gs, t)
	}
	return s.write(r, w, gs, t)
}

// write saves the changes of gs, if there are any to save, and sets the
// cookie when it did.
func (s *Store) write(r *http.Request, w http.ResponseWriter, gs *sessions.Session, t *gorillaTracked) error {
	if t.session.Values == nil { // a migrator's session may come without a map
		t.session.Values = make(map[string]any, len(gs.Values))
	}
	if err := copyStringKeys(t.session.Values, gs.Values); err != nil {
		return fmt.Errorf("gorilla store: save: %w", err)
	}
	modified := t.session.Modified()
	if !modified && t.cookieDue {
		t.cookieDue = false
		return s.setCookie(w, gs, t.session)
	}
	if !modified && (t.session.IsNew() || t.saved || !s.refreshDue(t.session)) {
		return nil
	}
	if sc, ok := s.repo.(domain.SessionCookies); ok {
		if err := saveCookies(r, w, sc, t.session); err != nil {
			return err
		}
		t.saved, gs.ID, gs.IsNew = true, t.session.ID(), false
		return nil
	}
	if err := s.repo.Save(r.Context(), t.session); err != nil {
		return fmt.Errorf("gorilla store: save: %w", err)
	}
	t.saved, t.cookieDue = true, false
	return s.setCookie(w, gs, t.session)
}

// refreshDue reports whether the expiry of ds has run down by a tenth of
// the cookie's Max-Age, or the store has no Max-Age to tell.
func (s *Store) refreshDue(ds *domain.Session) bool {
	maxAge := time.Duration(s.opts.MaxAge) * time.Second
	return maxAge <= 0 || time.Until(ds.ExpiresAt()) < maxAge*9/10
}

// destroy deletes the stored session, expires the cookie and leaves gs a
// new session.
func (s *Store) destroy(r *http.Request, w http.ResponseWriter, gs *sessions.Session, t *gorillaTracked) error {
	if sc, ok := s.repo.(domain.SessionCookies); ok {
		t.session.Destroy()
		if err := saveCookies(r, w, sc, t.session); err != nil {
			return err
		}
		t.session, t.saved = domain.NewSession(), false
		gs.ID, gs.IsNew = "", true
		return nil
	}
	if !t.session.IsNew() {
		if err := s.repo.Delete(r.Context(), t.session.ID()); err != nil {
			return fmt.Errorf("gorilla store: save: %w", err)
		}
	}
	t.session, t.saved = domain.NewSession(), false
	gs.ID, gs.IsNew = "", true
	http.SetCookie(w, sessions.NewCookie(gs.Name(), "", gs.Options))
	return nil
}

// setCookie signs the session's ID into the cookie of gs.
func (s *Store) setCookie(w http.ResponseWriter, gs *sessions.Session, ds *domain.Session) error {
	value, err := s.signer.Sign(ds.ID())
	if err != nil {
		return fmt.Errorf("gorilla store: save: %w", err)
	}
	gs.ID, gs.IsNew = value, false
	http.SetCookie(w, sessions.NewCookie(gs.Name(), value, gs.Options))
	return nil
}

// track associates gs with t in the map until gs is garbage collected.
func (s *Store) track(gs *sessions.Session, t *gorillaTracked) {
	key := weak.Make(gs)
	s.mu.Lock()
	s.tracked[key] = t
	s.mu.Unlock()
	runtime.AddCleanup(gs, s.untrack, key)
}

// tracking returns what is known of gs; a session that New did not make
// counts as a new one from now on. The map holds such a session weakly,
// so what is known of it lives exactly as long as the gorilla session,
// without a trace in its Values.
func (s *Store) tracking(gs *sessions.Session) *gorillaTracked {
	key := weak.Make(gs)
	s.mu.Lock()
	t, ok := s.tracked[key]
	if !ok {
		t = &gorillaTracked{session: domain.NewSession()}
		s.tracked[key] = t
	}
	s.mu.Unlock()
	if !ok {
		runtime.AddCleanup(gs, s.untrack, key)
	}
	return t
}

func (s *Store) untrack(key weak.Pointer[sessions.Session]) {
	s.mu.Lock()
	delete(s.tracked, key)
	s.mu.Unlock()
}

// copyStringKeys makes dst hold the values of src, whose keys must all be
// strings: otherwise it leaves dst as it is and returns an error naming a
// key that is not a string. It reuses dst's room, so a session saved
// twice per request (as Flamingo does) costs no new map.
func copyStringKeys(dst map[string]any, src map[any]any) error {
	for k := range src {
		if _, ok := k.(string); !ok {
			return fmt.Errorf("session key %#v is a %T, but only string keys can be stored", k, k)
		}
	}
	clear(dst)
	for k, v := range src {
		dst[k.(string)] = v
	}
	return nil
}
