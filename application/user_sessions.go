package application

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/sessionauth/sessionauth/domain"
)

// ErrNoSessionIndex means the session repository keeps no index of a
// user's sessions (it does not implement domain.SessionIndex).
var ErrNoSessionIndex = errors.New("the session repository keeps no index of a user's sessions (domain.SessionIndex)")

// ErrUnknownSession means no session of the user has that handle.
var ErrUnknownSession = errors.New("no session of this user has that handle")

// SessionInfo describes one session of a user, for a "your sessions" page.
type SessionInfo struct {
	// Handle names the session in requests to end it; it is not the
	// session ID, which never leaves the server.
	Handle   string
	Current  bool // the session of the request that asked
	Broker   string
	Created  time.Time // the login
	LastSeen time.Time // a save of the session, to within a minute
	// Metadata is what the application recorded with SetSessionMetadata;
	// "userAgent" at login.
	Metadata map[string]string
}

// UserSessions lists and ends the sessions of a user, on every instance
// that shares the repository, through its domain.SessionIndex. Sessions
// are filed at login by AuthManager.Callback; the repository must be the
// one NewIndexedRepository returned, so that the index follows them.
type UserSessions struct {
	repo  domain.SessionRepository
	index domain.SessionIndex
}

// NewUserSessions returns the service over repo (see UserSessions); the
// sessions it ends leave the index at once.
func NewUserSessions(repo domain.SessionRepository) *UserSessions {
	x, ok := repo.(domain.SessionIndex)
	if _, wrapped := repo.(indexed); ok && !wrapped {
		repo = &IndexedRepository{SessionRepository: repo, index: x, clock: time.Now}
	}
	return &UserSessions{repo: repo, index: x}
}

// List returns the live sessions of the user logged in to current, oldest
// login first; domain.ErrNotLoggedIn when nobody is.
func (u *UserSessions) List(ctx context.Context, current *domain.Session) ([]SessionInfo, error) {
	rec, ok := current.Try(recordKey).(sessionRecord)
	if !ok {
		return nil, fmt.Errorf("user sessions: list: %w", domain.ErrNotLoggedIn)
	}
	found, err := u.sessions(ctx, userKey(rec.Broker, rec.Subject), rec.Broker, rec.Subject)
	if err != nil {
		return nil, fmt.Errorf("user sessions: list: %w", err)
	}
	out := make([]SessionInfo, 0, len(found))
	for _, f := range found {
		out = append(out, SessionInfo{Handle: f.rec.Handle, Current: f.rec.Handle == rec.Handle, Broker: f.rec.Broker,
			Created: f.rec.Created, LastSeen: f.rec.LastSeen, Metadata: f.rec.Metadata})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Created.Before(out[j].Created) })
	return out, nil
}

// End ends the session of the current user that has handle; ending the
// current session destroys it (the cookie is expired with the response).
// ErrUnknownSession when the user has no session with that handle.
func (u *UserSessions) End(ctx context.Context, current *domain.Session, handle string) error {
	_, err := u.end(ctx, current, func(r sessionRecord) bool { return r.Handle == handle })
	if errors.Is(err, ErrUnknownSession) || err == nil {
		return err
	}
	return fmt.Errorf("user sessions: end: %w", err)
}

// EndAll ends every session of the current user ("log out everywhere"),
// or every other one when keepCurrent is true ("log out other devices"),
// and returns how many it ended.
func (u *UserSessions) EndAll(ctx context.Context, current *domain.Session, keepCurrent bool) (int, error) {
	rec, _ := current.Try(recordKey).(sessionRecord)
	n, err := u.end(ctx, current, func(r sessionRecord) bool { return !keepCurrent || r.Handle != rec.Handle })
	if errors.Is(err, ErrUnknownSession) {
		return 0, nil
	}
	if err != nil {
		return n, fmt.Errorf("user sessions: end all: %w", err)
	}
	return n, nil
}

// end ends the sessions of current's user that match; the current session
// is destroyed in place, the others deleted from the repository.
func (u *UserSessions) end(ctx context.Context, current *domain.Session, match func(sessionRecord) bool) (int, error) {
	rec, ok := current.Try(recordKey).(sessionRecord)
	if !ok {
		return 0, domain.ErrNotLoggedIn
	}
	found, err := u.sessions(ctx, userKey(rec.Broker, rec.Subject), rec.Broker, rec.Subject)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, f := range found {
		if !match(f.rec) {
			continue
		}
		n++
		if f.rec.Handle == rec.Handle {
			current.Delete(identityKey)
			current.Destroy()
			continue
		}
		if err := u.repo.Delete(ctx, f.id); err != nil {
			return n, err
		}
	}
	if n == 0 {
		return 0, ErrUnknownSession
	}
	return n, nil
}

// EndSubject ends every session of subject at broker, for administrators
// and back-channel logout, and returns how many it ended.
func (u *UserSessions) EndSubject(ctx context.Context, broker, subject string) (int, error) {
	n, err := u.deleteAll(ctx, userKey(broker, subject), broker, subject)
	if err != nil {
		return n, fmt.Errorf("user sessions: end subject: %w", err)
	}
	return n, nil
}

// EndProviderSession ends every session logged in through the provider's
// session sid at broker (and of subject, when not empty).
func (u *UserSessions) EndProviderSession(ctx context.Context, broker, sid, subject string) (int, error) {
	n, err := u.deleteAll(ctx, sidKey(broker, sid), broker, subject)
	if err != nil {
		return n, fmt.Errorf("user sessions: end provider session: %w", err)
	}
	return n, nil
}

func (u *UserSessions) deleteAll(ctx context.Context, key, broker, subject string) (int, error) {
	found, err := u.sessions(ctx, key, broker, subject)
	if err != nil {
		return 0, err
	}
	for i, f := range found {
		if err := u.repo.Delete(ctx, f.id); err != nil {
			return i, err
		}
	}
	return len(found), nil
}

type foundSession struct {
	id  string
	rec sessionRecord
}

// sessions loads the sessions filed under key that are still logged in at
// broker (as subject, when not empty), and drops stale entries.
func (u *UserSessions) sessions(ctx context.Context, key, broker, subject string) ([]foundSession, error) {
	if u.index == nil {
		return nil, ErrNoSessionIndex
	}
	ids, err := u.index.Indexed(ctx, key)
	if err != nil {
		return nil, err
	}
	var out []foundSession
	for _, id := range ids {
		s, err := u.repo.Load(ctx, id)
		if errors.Is(err, domain.ErrSessionNotFound) {
			_ = u.index.Unindex(ctx, id, []string{key})
			continue
		}
		if err != nil {
			return nil, err
		}
		rec, ok := s.Try(recordKey).(sessionRecord)
		ident, loggedIn := identity(s)
		if !ok || !loggedIn || !slices.Contains(rec.Keys, key) || ident.Broker != broker || subject != "" && ident.Subject != subject {
			continue
		}
		out = append(out, foundSession{id: id, rec: rec})
	}
	return out, nil
}
