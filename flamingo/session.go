package sessionauthflamingo

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"flamingo.me/flamingo/v3/framework/web"

	"github.com/sessionauth/sessionauth/domain"
)

// Session returns sessionauth's view of the request's Flamingo session, for
// sessionauth's AuthManager and UserService in a Flamingo controller:
//
//	token, err := c.authManager.IDToken(ctx, sessionauthflamingo.Session(ctx))
//
// It holds the same values as r.Session(). What sessionauth changes in it
// (the login, a refreshed token, a new session ID at login, the logout)
// is copied to Flamingo's session as soon as sessionauth's login, callback
// and logout routes return, so that the rest of their request sees it in
// r.Session(); elsewhere when the controller returns, before Flamingo saves
// the session, or earlier with Sync. A key changed in both during one
// request keeps sessionauth's value. It needs AuthModule; without it
// Session panics.
func Session(ctx context.Context) *domain.Session {
	return viewOf(ctx).session()
}

// Sync copies what sessionauth changed in Session(ctx) to Flamingo's
// session now, for a controller that reads r.Session() after calling
// AuthManager or UserService in the same request. The next call of Session
// returns a view made afresh from Flamingo's session, which then holds
// Flamingo's and sessionauth's changes alike. Like Session, it needs
// AuthModule.
func Sync(ctx context.Context) error {
	return viewOf(ctx).sync()
}

// viewOf returns the request's view; see Session.
func viewOf(ctx context.Context) *view {
	v, ok := ctx.Value(viewKey{}).(*view)
	if !ok {
		panic("sessionauthflamingo.Session: no session view in the context; load sessionauthflamingo.AuthModule")
	}
	return v
}

// viewKey is the context key of the request's view.
type viewKey struct{}

// view is sessionauth's view of one request's Flamingo session, made when
// first asked for, and made again after sync.
type view struct {
	flamingo *web.Session
	signer   domain.CookieSigner
	mu       sync.Mutex
	ours     *domain.Session
}

// session returns the view, making it from Flamingo's session on first use.
func (v *view) session() *domain.Session {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.ours == nil {
		v.ours = v.load()
	}
	return v.ours
}

// sync copies what changed in the view to Flamingo's session now, so that
// the rest of the request sees it in r.Session(), and lets the next call
// of Session make the view afresh from Flamingo's session.
func (v *view) sync() error {
	v.mu.Lock()
	defer v.mu.Unlock()
	err := v.apply()
	v.ours = nil
	return err
}

// load copies Flamingo's session: a stored one under its ID, so that
// sessionauth can tell what it changes, a new one as a new session.
func (v *view) load() *domain.Session {
	data := make(map[string][]byte)
	for _, k := range v.flamingo.Keys() {
		if key, ok := k.(string); ok && key != regenerateKey && key != destroyKey {
			if b, err := domain.EncodeValue(v.flamingo.Try(key)); err == nil {
				data[key] = b
			}
		}
	}
	if cookie := v.flamingo.ID(); cookie != "" {
		if id, err := v.signer.Verify(cookie); err == nil {
			return domain.RestoreSession(id, data, time.Time{})
		}
	}
	s := domain.NewSession()
	for key, b := range data {
		s.Values[key], _ = domain.DecodeValue(b)
	}
	return s
}

// apply copies what changed in the view to Flamingo's session.
func (v *view) apply() error {
	if v.ours == nil {
		return nil
	}
	c, err := v.ours.Changes(0)
	if err != nil {
		return fmt.Errorf("sessionauth flamingo: copy the session's changes: %w", err)
	}
	if c.Destroy {
		v.flamingo.ClearAll().Store(destroyKey, true)
		return nil
	}
	for key := range c.Set {
		v.flamingo.Store(key, v.ours.Values[key])
	}
	for _, key := range c.Deleted {
		v.flamingo.Delete(key)
	}
	if c.PreviousID != "" {
		v.flamingo.Store(regenerateKey, true)
	}
	return nil
}

// filter gives every request its view and copies the view's changes back
// after the controller, before Flamingo saves the session.
type filter struct {
	signer domain.CookieSigner
}

// Priority runs the filter before every other, so that they see the view.
func (*filter) Priority() int { return 1 << 20 }

// Filter runs the rest of the chain with the view in the context.
func (f *filter) Filter(ctx context.Context, req *web.Request, w http.ResponseWriter, chain *web.FilterChain) web.Result {
	v := &view{flamingo: req.Session(), signer: f.signer}
	result := chain.Next(context.WithValue(ctx, viewKey{}, v), req, w)
	if err := v.sync(); err != nil {
		slog.ErrorContext(ctx, "sessionauth flamingo: session not saved", "path", req.Request().URL.Path, "error", err)
		return &web.Response{Status: http.StatusInternalServerError, Body: strings.NewReader("the session could not be saved\n")}
	}
	return result
}
