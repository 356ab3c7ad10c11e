package sessiontest

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/sessionauth/sessionauth/domain"
)

// testRegenerateKeepsConcurrentWrites: request A loads the session, request
// B adds a key and saves, then A regenerates and saves. The session under
// the new ID must hold B's key: B's save was acknowledged.
func (s *suite) testRegenerateKeepsConcurrentWrites(t *testing.T) {
	repo := s.newRepo(t, defaultConfig)
	oldID := saveNew(t, repo, map[string]any{"user": "guest", "gone": 1})
	a := mustLoad(t, repo, oldID)
	b := mustLoad(t, repo, oldID)
	b.Values["cart"] = "book"
	if err := repo.Save(ctx(t), b); err != nil {
		t.Fatalf("Save of the concurrent request: %v", err)
	}
	a.Regenerate()
	a.Values["user"] = "alice"
	delete(a.Values, "gone")
	if err := repo.Save(ctx(t), a); err != nil {
		t.Fatalf("regenerating Save: %v", err)
	}
	wantNotFound(t, repo, oldID)
	wantValues(t, mustLoad(t, repo, a.ID()), map[string]any{"user": "alice", "cart": "book"})
}

// testRegenerateRace runs writers of disjoint keys in parallel with one
// regenerating save. Every write acknowledged with a nil error must be in
// the session under its new ID; the old ID must be gone.
func (s *suite) testRegenerateRace(t *testing.T) {
	repo := s.newRepo(t, defaultConfig)
	oldID := saveNew(t, repo, map[string]any{"user": "guest"})
	const writers = 8
	acked := make([]bool, writers)
	var wg sync.WaitGroup
	for i := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			acked[i] = s.writeKey(t, repo, oldID, fmt.Sprintf("w%d", i), i)
		}()
	}
	login := mustLoad(t, repo, oldID)
	login.Regenerate()
	login.Values["user"] = "alice"
	if err := repo.Save(ctx(t), login); err != nil {
		t.Errorf("regenerating Save: %v", err)
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	wantNotFound(t, repo, oldID)
	got := mustLoad(t, repo, login.ID())
	lost := 0
	for i, ok := range acked {
		if ok && got.Values[fmt.Sprintf("w%d", i)] != i {
			lost++
		}
	}
	if lost > 0 || got.Values["user"] != "alice" {
		t.Fatalf("after a regenerating save raced with %d writers: %d acknowledged writes lost, user = %v; want 0 lost, user alice (values %v)",
			writers, lost, got.Values["user"], got.Values)
	}
}

// writeKey loads id, sets key and saves; it reports whether the save was
// acknowledged. A session that moved away meanwhile is not an error.
func (s *suite) writeKey(t *testing.T, repo domain.SessionRepository, id, key string, value int) bool {
	sess, err := repo.Load(ctx(t), id)
	if errors.Is(err, domain.ErrSessionNotFound) {
		return false
	}
	if err != nil {
		t.Errorf("Load: %v", err)
		return false
	}
	sess.Values[key] = value
	err = repo.Save(ctx(t), sess)
	if err != nil && !errors.Is(err, domain.ErrSessionNotFound) {
		t.Errorf("Save of %s: %v", key, err)
	}
	return err == nil
}
