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
