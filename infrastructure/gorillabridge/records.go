package gorillabridge

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/securecookie"
	"github.com/gorilla/sessions"
	"github.com/sessionauth/sessionauth/domain"
)

// gorillaAddressed is a gorilla session together with the request that
// addresses it in its store; the store's Save wants both.
type gorillaAddressed struct {
	*sessions.Session
	req *http.Request
}

// open asks the store for the record that the cookie value id points to,
// expired or not. A value that cannot be a cookie, one the store rejects, a
// missing or unreadable record all yield domain.ErrSessionNotFound.
func (r *Repository) open(ctx context.Context, id string) (*gorillaAddressed, error) {
	cookie := &http.Cookie{Name: r.name, Value: id}
	if id == "" || cookie.Valid() != nil {
		return nil, domain.ErrSessionNotFound
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "/", nil)
	if err != nil {
		return nil, err
	}
	req.AddCookie(cookie)
	gs, err := r.ask(req)
	switch {
	case err != nil && gorillaMissing(err):
		return nil, fmt.Errorf("%w: %v", domain.ErrSessionNotFound, err)
	case err != nil:
		return nil, err
	case gs.IsNew:
		return nil, domain.ErrSessionNotFound
	}
	return gs, nil
}

// fetch is open for a record that has not expired.
func (r *Repository) fetch(ctx context.Context, id string) (*gorillaAddressed, error) {
	gs, err := r.open(ctx, id)
	if err != nil {
		return nil, err
	}
	if _, expiresAt := gorillaRecord(gs); !time.Now().Before(expiresAt) {
		return nil, domain.ErrSessionNotFound
	}
	return gs, nil
}

// blank asks the store for a new, empty session.
func (r *Repository) blank(ctx context.Context) (*gorillaAddressed, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "/", nil)
	if err != nil {
		return nil, err
	}
	return r.ask(req)
}

// ask calls the store's New for req.
func (r *Repository) ask(req *http.Request) (*gorillaAddressed, error) {
	gs, err := r.store.New(req, r.name)
	if err != nil {
		return nil, err
	}
	if gs == nil {
		return nil, errors.New("the store's New returned no session")
	}
	if gs.Options == nil {
		gs.Options = &sessions.Options{Path: "/"}
	}
	return &gorillaAddressed{Session: gs, req: req}, nil
}

// gorillaRecord reads the encoded values and the expiry of a record written
// by Repository. Values of other types, or under other keys,
// are left out; a record without a readable expiry counts as expired.
func gorillaRecord(gs *gorillaAddressed) (map[string][]byte, time.Time) {
	var expiresAt time.Time
	data := make(map[string][]byte, len(gs.Values))
	for k, v := range gs.Values {
		key, ok := k.(string)
		switch b, isBytes := v.([]byte); {
		case key == gorillaExpiresKey:
			if nanos, ok := v.(int64); ok {
				expiresAt = time.Unix(0, nanos)
			}
		case ok && isBytes:
			data[key] = b
		}
	}
	return data, expiresAt
}

// gorillaMissing reports whether an error of a store's New means that the
// record is not there for this cookie, rather than that the store failed:
// the cookie does not decode (forged, expired, not a cookie of this store),
// the record does not exist, or it does not decode either.
func gorillaMissing(err error) bool {
	if errors.Is(err, fs.ErrNotExist) {
		return true
	}
	var multi securecookie.MultiError
	if errors.As(err, &multi) {
		return !multi.IsUsage() && !multi.IsInternal()
	}
	var cookieErr securecookie.Error
	return errors.As(err, &cookieErr) && cookieErr.IsDecode()
}

// gorillaHeaderWriter is the http.ResponseWriter handed to a store's Save,
// which only sets a cookie on it.
type gorillaHeaderWriter struct {
	header http.Header
}

func (w *gorillaHeaderWriter) Header() http.Header {
	if w.header == nil {
		w.header = make(http.Header)
	}
	return w.header
}

func (w *gorillaHeaderWriter) Write(b []byte) (int, error) { return len(b), nil }

func (w *gorillaHeaderWriter) WriteHeader(int) {}

// cookie returns the value of the last cookie called name that was set.
func (w *gorillaHeaderWriter) cookie(name string) (string, bool) {
	value, found := "", false
	for _, line := range w.header.Values("Set-Cookie") {
		if c, err := http.ParseSetCookie(line); err == nil && c.Name == name {
			value, found = c.Value, true
		}
	}
	return value, found && value != ""
}

// gorillaLocks holds one mutex per session ID while any goroutine wants it.
type gorillaLocks struct {
	mu   sync.Mutex
	held map[string]*gorillaLock
}

type gorillaLock struct {
	sync.Mutex
	waiters int
}

// lock locks id and returns the function that unlocks it.
func (l *gorillaLocks) lock(id string) (unlock func()) {
	l.mu.Lock()
	if l.held == nil {
		l.held = make(map[string]*gorillaLock)
	}
	k := l.held[id]
	if k == nil {
		k = &gorillaLock{}
		l.held[id] = k
	}
	k.waiters++
	l.mu.Unlock()
	k.Lock()
	return func() {
		k.Unlock()
		l.mu.Lock()
		if k.waiters--; k.waiters == 0 {
			delete(l.held, id)
		}
		l.mu.Unlock()
	}
}
