package cookiestore_test

import (
	"context"
	"errors"
	"testing"

	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/infrastructure/cookiestore"
	"github.com/sessionauth/sessionauth/infrastructure/memorystore"
)

// TestRevocation: with a revocation store, a copy of the cookies taken
// before a logout, or before the new ID of a login, is refused; without
// one it still opens, and Delete says it cannot end a session.
func TestRevocation(t *testing.T) {
	store := memorystore.New(memorystore.Options{})
	t.Cleanup(func() { _ = store.Close() })
	r := newRepo(t, cookiestore.Options{Revocation: store})
	plain := newRepo(t, cookiestore.Options{})
	ctx := context.Background()
	for name, repo := range map[string]*cookiestore.Repository{"with": r, "without": plain} {
		copyBefore := sent(save(t, repo, map[string]any{"user": "alice"}))
		s, err := repo.LoadCookies(ctx, copyBefore)
		if err != nil {
			t.Fatal(err)
		}
		s.Regenerate()
		afterLogin, err := repo.SaveCookies(ctx, s, copyBefore)
		if err != nil {
			t.Fatal(err)
		}
		_, errLogin := repo.LoadCookies(ctx, copyBefore)
		s, err = repo.LoadCookies(ctx, sent(afterLogin))
		if err != nil {
			t.Fatalf("%s: the cookies after the new ID: %v", name, err)
		}
		s.Destroy()
		if _, err := repo.SaveCookies(ctx, s, sent(afterLogin)); err != nil {
			t.Fatal(err)
		}
		_, errLogout := repo.LoadCookies(ctx, sent(afterLogin))
		refused := errors.Is(errLogin, domain.ErrSessionNotFound) && errors.Is(errLogout, domain.ErrSessionNotFound)
		if refused != (name == "with") {
			t.Errorf("%s a revocation store: a copy from before the login: %v; from before the logout: %v", name, errLogin, errLogout)
		}
	}
	if err := plain.Delete(ctx, domain.NewSessionID()); !errors.Is(err, cookiestore.ErrNoServerState) {
		t.Errorf("Delete without a revocation store: %v", err)
	}
	cs := sent(save(t, r, map[string]any{"user": "bob"}))
	s, _ := r.LoadCookies(ctx, cs)
	if err := r.Delete(ctx, s.ID()); err != nil {
		t.Fatal(err)
	}
	if _, err := r.LoadCookies(ctx, cs); !errors.Is(err, domain.ErrSessionNotFound) {
		t.Errorf("a session ended by Delete still opens: %v", err)
	}
}

// TestServerCopy: with a revocation store and ServerCopy, Load by ID finds
// the copied values of a session (an identity without its tokens) and
// nothing else; a session ended by Delete is not found and its cookies do
// not open; WithIndex offers the store's index only with a store.
func TestServerCopy(t *testing.T) {
	store := memorystore.New(memorystore.Options{})
	t.Cleanup(func() { _ = store.Close() })
	r := newRepo(t, cookiestore.Options{Revocation: store, ServerCopy: []string{domain.IdentityKey}})
	ctx := context.Background()
	cs := sent(save(t, r, map[string]any{"cart": "3 apples",
		domain.IdentityKey: domain.Identity{Broker: "b", Subject: "alice", AccessToken: "secret-access", RefreshToken: "secret-refresh"}}))
	s, err := r.LoadCookies(ctx, cs)
	if err != nil {
		t.Fatal(err)
	}
	c, err := r.Load(ctx, s.ID())
	if err != nil {
		t.Fatalf("Load by ID with a server copy: %v", err)
	}
	id, ok := c.Try(domain.IdentityKey).(domain.Identity)
	if !ok || id.Broker != "b" || id.Subject != "alice" || id.AccessToken != "" || id.RefreshToken != "" || c.Try("cart") != nil {
		t.Errorf("the server copy holds %#v; want the identity's broker and subject alone", c.Values)
	}
	if _, ok := cookiestore.WithIndex(r).(domain.SessionIndex); !ok {
		t.Error("WithIndex with a revocation store offers no domain.SessionIndex")
	}
	if _, ok := cookiestore.WithIndex(newRepo(t, cookiestore.Options{})).(domain.SessionIndex); ok {
		t.Error("WithIndex without a revocation store offers a domain.SessionIndex")
	}
	if err := r.Delete(ctx, s.ID()); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Load(ctx, s.ID()); !errors.Is(err, domain.ErrSessionNotFound) {
		t.Errorf("Load by ID after Delete: %v", err)
	}
	if _, err := r.LoadCookies(ctx, cs); !errors.Is(err, domain.ErrSessionNotFound) {
		t.Errorf("the cookies after Delete: %v", err)
	}
	if _, err := newRepo(t, cookiestore.Options{}).Load(ctx, s.ID()); !errors.Is(err, domain.ErrSessionNotFound) {
		t.Errorf("Load by ID without a revocation store: %v", err)
	}
}
