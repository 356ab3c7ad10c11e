package sessionauthflamingo

import (
	"fmt"
	"net/http"

	"github.com/gorilla/sessions"
	"github.com/sessionauth/sessionauth/infrastructure/gorillabridge"
)

// Keys by which a request tells Store.Save to regenerate or destroy the
// session, which Flamingo's *web.Session cannot express. The filter of
// AuthModule sets them when sessionauth's view of the session was
// regenerated (at login) or destroyed (at logout); Save removes them before
// anything is written.
const (
	regenerateKey = "sessionauth.flamingo.regenerate"
	destroyKey    = "sessionauth.flamingo.destroy"
)

// Store is the gorilla store Flamingo's sessions use under Module:
// sessionauth's gorillabridge.Store (only changed keys are written, so parallel
// requests keep each other's changes), which also carries out the
// regeneration and destruction that sessionauth's login and logout ask for.
type Store struct {
	*gorillabridge.Store
}

// Save writes the changes of gs. A session marked for regeneration is
// deleted under its old ID and written whole under a new one; a session
// marked for destruction is deleted and its cookie expired.
func (s *Store) Save(r *http.Request, w http.ResponseWriter, gs *sessions.Session) error {
	destroy, regenerate := take(gs, destroyKey), take(gs, regenerateKey)
	if !destroy && !regenerate {
		return s.Store.Save(r, w, gs)
	}
	if destroy {
		clear(gs.Values)
	}
	if err := s.expire(r, w, gs); err != nil || destroy {
		return err
	}
	w.Header().Del("Set-Cookie") // the new session's cookie replaces the expired one
	if err := s.Store.Save(r, w, gs); err != nil {
		return fmt.Errorf("sessionauth flamingo store: regenerate: %w", err)
	}
	return nil
}

// expire deletes the stored session and expires its cookie, as gorilla
// stores do for a negative MaxAge; gs is a new session afterwards.
func (s *Store) expire(r *http.Request, w http.ResponseWriter, gs *sessions.Session) error {
	if gs.Options == nil {
		gs.Options = &sessions.Options{Path: "/"}
	}
	maxAge := gs.Options.MaxAge
	gs.Options.MaxAge = -1
	err := s.Store.Save(r, w, gs)
	gs.Options.MaxAge = maxAge
	if err != nil {
		return fmt.Errorf("sessionauth flamingo store: delete the old session: %w", err)
	}
	return nil
}

// take removes key from the values of gs and reports whether it was there.
func take(gs *sessions.Session, key string) bool {
	_, ok := gs.Values[key]
	delete(gs.Values, key)
	return ok
}
