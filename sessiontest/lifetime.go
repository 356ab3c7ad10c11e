package sessiontest

import (
	"testing"
	"time"

	"github.com/sessionauth/sessionauth/domain"
)

// testAbsoluteEnd: a session with an absolute end (Session.EndBy) stays
// loadable while saved, also under the new ID of a Regenerate, and is gone
// at its end although its idle lifetime (MaxAge) has not run out.
func (s *suite) testAbsoluteEnd(t *testing.T) {
	repo := s.newRepo(t, defaultConfig)
	end := time.Now().Add(1500 * time.Millisecond)
	sess := domain.NewSession()
	sess.Values["a"] = 1
	sess.EndBy(end)
	if err := repo.Save(ctx(t), sess); err != nil {
		t.Fatalf("Save: %v", err)
	}
	if got := sess.ExpiresAt(); got.After(end) {
		t.Fatalf("ExpiresAt() = %v after a save; want no later than the end %v", got, end)
	}
	time.Sleep(500 * time.Millisecond)
	loaded := mustLoad(t, repo, sess.ID())
	loaded.Regenerate()
	loaded.Values["a"] = 2
	if err := repo.Save(ctx(t), loaded); err != nil {
		t.Fatalf("regenerating Save: %v", err)
	}
	id := loaded.ID()
	if got := mustLoad(t, repo, id).EndsAt(); !got.Equal(end) {
		t.Fatalf("EndsAt() after Regenerate = %v; want %v", got, end)
	}
	loaded.Values["a"] = 3 // activity just before the end
	if err := repo.Save(ctx(t), loaded); err != nil {
		t.Fatalf("Save: %v", err)
	}
	time.Sleep(time.Until(end) + 300*time.Millisecond)
	wantNotFound(t, repo, id)
}
