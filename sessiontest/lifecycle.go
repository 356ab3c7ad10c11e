package sessiontest

import (
	"errors"
	"strings"
	"testing"

	"github.com/sessionauth/sessionauth/domain"
)

func (s *suite) testRegenerate(t *testing.T) {
	repo := s.newRepo(t, defaultConfig)
	values := map[string]any{"user": "alice", "n": 1}
	oldID := saveNew(t, repo, values)
	sess := mustLoad(t, repo, oldID)
	sess.Regenerate()
	sess.Values["n"] = 2
	if err := repo.Save(ctx(t), sess); err != nil {
		t.Fatalf("Save after Regenerate: %v", err)
	}
	newID := sess.ID()
	if newID == oldID || newID == "" {
		t.Fatalf("ID after Regenerate = %q (old %q); want a new ID", newID, oldID)
	}
	wantNotFound(t, repo, oldID)
	wantValues(t, mustLoad(t, repo, newID), map[string]any{"user": "alice", "n": 2})
	// Later saves go to the new ID and regenerate no more.
	sess.Values["n"] = 3
	if err := repo.Save(ctx(t), sess); err != nil {
		t.Fatalf("Save after the regenerating save: %v", err)
	}
	if sess.ID() != newID {
		t.Fatalf("ID changed again: %q -> %q", newID, sess.ID())
	}
	wantValues(t, mustLoad(t, repo, newID), map[string]any{"user": "alice", "n": 3})
}

func (s *suite) testRegenerateNew(t *testing.T) {
	repo := s.newRepo(t, defaultConfig)
	sess := domain.NewSession()
	sess.Values["a"] = 1
	sess.Regenerate()
	if err := repo.Save(ctx(t), sess); err != nil {
		t.Fatalf("Save of a new regenerated session: %v", err)
	}
	wantValues(t, mustLoad(t, repo, sess.ID()), map[string]any{"a": 1})
}

func (s *suite) testDestroy(t *testing.T) {
	repo := s.newRepo(t, defaultConfig)
	id := saveNew(t, repo, map[string]any{"a": 1})
	sess := mustLoad(t, repo, id)
	sess.Values["b"] = 2
	sess.Destroy()
	if err := repo.Save(ctx(t), sess); err != nil {
		t.Fatalf("Save after Destroy: %v", err)
	}
	wantNotFound(t, repo, id)

	id = saveNew(t, repo, map[string]any{"a": 1})
	if err := repo.Delete(ctx(t), id); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	wantNotFound(t, repo, id)
	if err := repo.Delete(ctx(t), id); err != nil {
		t.Fatalf("Delete twice: %v", err)
	}
}

func (s *suite) testVanished(t *testing.T) {
	repo := s.newRepo(t, defaultConfig)
	id := saveNew(t, repo, map[string]any{"a": 1})
	sess := mustLoad(t, repo, id)
	if err := repo.Delete(ctx(t), id); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	sess.Values["b"] = 2
	if err := repo.Save(ctx(t), sess); !errors.Is(err, domain.ErrSessionNotFound) {
		t.Fatalf("Save of a session deleted since Load = %v; want ErrSessionNotFound", err)
	}
	wantNotFound(t, repo, id)
}

func (s *suite) testRegenerateVanished(t *testing.T) {
	repo := s.newRepo(t, defaultConfig)
	id := saveNew(t, repo, map[string]any{"a": 1})
	sess := mustLoad(t, repo, id)
	if err := repo.Delete(ctx(t), id); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	sess.Regenerate()
	if err := repo.Save(ctx(t), sess); !errors.Is(err, domain.ErrSessionNotFound) {
		t.Fatalf("regenerating Save of a session deleted since Load = %v; want ErrSessionNotFound", err)
	}
	if sess.ID() != id {
		wantNotFound(t, repo, sess.ID())
	}
	wantNotFound(t, repo, id)
}

func (s *suite) testSizeLimit(t *testing.T) {
	repo := s.newRepo(t, Config{MaxAge: defaultConfig.MaxAge, MaxSize: 1024})
	big := strings.Repeat("x", 2048)

	sess := domain.NewSession()
	sess.Values["big"] = big
	if err := repo.Save(ctx(t), sess); !errors.Is(err, domain.ErrSessionTooLarge) {
		t.Fatalf("Save of a 2 KiB session with a 1 KiB limit = %v; want ErrSessionTooLarge", err)
	}
	wantNotFound(t, repo, sess.ID())

	id := saveNew(t, repo, map[string]any{"small": "s"})
	sess = mustLoad(t, repo, id)
	sess.Values["small"] = "changed"
	sess.Values["big"] = big
	if err := repo.Save(ctx(t), sess); !errors.Is(err, domain.ErrSessionTooLarge) {
		t.Fatalf("Save growing past the limit = %v; want ErrSessionTooLarge", err)
	}
	wantValues(t, mustLoad(t, repo, id), map[string]any{"small": "s"})
}

func (s *suite) testNotEncodable(t *testing.T) {
	repo := s.newRepo(t, defaultConfig)
	id := saveNew(t, repo, map[string]any{"a": 1})
	sess := mustLoad(t, repo, id)
	sess.Values["a"] = 2
	sess.Values["bad"] = unregistered{A: 1}
	err := repo.Save(ctx(t), sess)
	if !errors.Is(err, domain.ErrValueNotEncodable) {
		t.Fatalf("Save of an unregistered type = %v; want ErrValueNotEncodable", err)
	}
	if !strings.Contains(err.Error(), "gob.Register") || !strings.Contains(err.Error(), "unregistered") {
		t.Fatalf("error %q should name the type and say to register it with gob.Register", err)
	}
	wantValues(t, mustLoad(t, repo, id), map[string]any{"a": 1})
}

func (s *suite) testGarbage(t *testing.T) {
	if s.corrupt == nil {
		t.Skip("no corrupter given (sessiontest.WithCorrupter)")
	}
	repo := s.newRepo(t, defaultConfig)
	id := saveNew(t, repo, map[string]any{"a": 1})
	s.corrupt(t, repo, id)
	sess, err := repo.Load(ctx(t), id)
	if err != nil && !errors.Is(err, domain.ErrSessionNotFound) {
		t.Fatalf("Load of a corrupt record = %v; want a session or ErrSessionNotFound", err)
	}
	if err == nil && sess.ID() != id {
		t.Fatalf("Load of a corrupt record returned ID %q", sess.ID())
	}
	// A new session still works.
	fresh := saveNew(t, repo, map[string]any{"b": 2})
	wantValues(t, mustLoad(t, repo, fresh), map[string]any{"b": 2})
}
