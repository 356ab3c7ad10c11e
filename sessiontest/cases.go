package sessiontest

import (
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/sessionauth/sessionauth/domain"
)

// saveNew stores a new session holding values and returns its ID.
func saveNew(t *testing.T, repo domain.SessionRepository, values map[string]any) string {
	t.Helper()
	s := domain.NewSession()
	for k, v := range values {
		s.Values[k] = v
	}
	if err := repo.Save(ctx(t), s); err != nil {
		t.Fatalf("Save(new session): %v", err)
	}
	if s.IsNew() {
		t.Fatalf("after Save, IsNew() = true; Save must call Session.Saved")
	}
	return s.ID()
}

func mustLoad(t *testing.T, repo domain.SessionRepository, id string) *domain.Session {
	t.Helper()
	s, err := repo.Load(ctx(t), id)
	if err != nil {
		t.Fatalf("Load(%q): %v", id, err)
	}
	if s.ID() != id {
		t.Fatalf("Load(%q) returned a session with ID %q", id, s.ID())
	}
	return s
}

func wantNotFound(t *testing.T, repo domain.SessionRepository, id string) {
	t.Helper()
	s, err := repo.Load(ctx(t), id)
	if !errors.Is(err, domain.ErrSessionNotFound) {
		t.Fatalf("Load(%q) = %v, %v; want an error wrapping ErrSessionNotFound", id, s, err)
	}
}

func wantValues(t *testing.T, s *domain.Session, want map[string]any) {
	t.Helper()
	if !reflect.DeepEqual(s.Values, want) {
		t.Fatalf("Values = %#v\nwant     %#v", s.Values, want)
	}
}

func (s *suite) testNotFound(t *testing.T) {
	repo := s.newRepo(t, defaultConfig)
	wantNotFound(t, repo, domain.NewSessionID())
	for _, id := range []string{"", "../../../../etc/passwd", "a/b", "..", "\x00", "*", "{x}"} {
		wantNotFound(t, repo, id)
	}
	if err := repo.Delete(ctx(t), domain.NewSessionID()); err != nil {
		t.Fatalf("Delete(missing) = %v; deleting a missing session is not an error", err)
	}
}

func (s *suite) testRoundTrip(t *testing.T) {
	repo := s.newRepo(t, defaultConfig)
	values := map[string]any{
		"string": "héllo", "empty": "", "int": 42, "negative": -7, "int64": int64(1) << 40,
		"float": 3.25, "true": true, "false": false, "bytes": []byte{0, 1, 2}, "nil": nil,
		"point": Point{X: 1, Y: 2}, "basket": &Basket{Items: []string{"a"}},
		"list": []any{"x", 1}, "map": map[string]any{"k": "v"},
		"time": time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), "key with spaces/and:colons": 1,
	}
	before := time.Now()
	id := saveNew(t, repo, values)
	got := mustLoad(t, repo, id)
	wantValues(t, got, values)
	if got.IsNew() {
		t.Fatal("loaded session reports IsNew() = true")
	}
	exp := got.ExpiresAt()
	if exp.Before(before.Add(defaultConfig.MaxAge-time.Minute)) || exp.After(time.Now().Add(defaultConfig.MaxAge+time.Minute)) {
		t.Fatalf("ExpiresAt() = %v; want about now + %v", exp, defaultConfig.MaxAge)
	}
}

func (s *suite) testIsolation(t *testing.T) {
	repo := s.newRepo(t, defaultConfig)
	id := saveNew(t, repo, map[string]any{"basket": &Basket{Items: []string{"a"}}})
	a := mustLoad(t, repo, id)
	a.Values["basket"].(*Basket).Items[0] = "changed without save"
	a.Values["new"] = 1
	wantValues(t, mustLoad(t, repo, id), map[string]any{"basket": &Basket{Items: []string{"a"}}})
}

func (s *suite) testUpdateAndDelete(t *testing.T) {
	repo := s.newRepo(t, defaultConfig)
	id := saveNew(t, repo, map[string]any{"keep": "k", "change": 1, "drop": true, "drop2": 2})
	sess := mustLoad(t, repo, id)
	sess.Values["change"] = 2
	sess.Values["add"] = "a"
	delete(sess.Values, "drop")
	sess.Delete("drop2")
	if err := repo.Save(ctx(t), sess); err != nil {
		t.Fatalf("Save: %v", err)
	}
	if sess.ID() != id {
		t.Fatalf("ID changed on a plain save: %q -> %q", id, sess.ID())
	}
	wantValues(t, mustLoad(t, repo, id), map[string]any{"keep": "k", "change": 2, "add": "a"})
	// The saved session is the new baseline: saving it again after another
	// change writes that change.
	sess.Values["change"] = 3
	if err := repo.Save(ctx(t), sess); err != nil {
		t.Fatalf("second Save: %v", err)
	}
	wantValues(t, mustLoad(t, repo, id), map[string]any{"keep": "k", "change": 3, "add": "a"})
}

func (s *suite) testChangedInPlace(t *testing.T) {
	repo := s.newRepo(t, defaultConfig)
	id := saveNew(t, repo, map[string]any{"basket": &Basket{Items: []string{"a"}}, "list": []any{"x"}})
	sess := mustLoad(t, repo, id)
	b := sess.Values["basket"].(*Basket)
	b.Items = append(b.Items, "b")
	sess.Values["list"].([]any)[0] = "y"
	if !sess.Modified() {
		t.Fatal("Modified() = false after changing values in place")
	}
	if err := repo.Save(ctx(t), sess); err != nil {
		t.Fatalf("Save: %v", err)
	}
	wantValues(t, mustLoad(t, repo, id), map[string]any{"basket": &Basket{Items: []string{"a", "b"}}, "list": []any{"y"}})
}

func (s *suite) testSaveWithoutChanges(t *testing.T) {
	repo := s.newRepo(t, defaultConfig)
	values := map[string]any{"a": 1, "b": Point{3, 4}}
	id := saveNew(t, repo, values)
	sess := mustLoad(t, repo, id)
	if sess.Modified() {
		t.Fatal("Modified() = true for a session just loaded")
	}
	if err := repo.Save(ctx(t), sess); err != nil {
		t.Fatalf("Save without changes: %v", err)
	}
	wantValues(t, mustLoad(t, repo, id), values)
}

func (s *suite) testExpiry(t *testing.T) {
	repo := s.newRepo(t, Config{MaxAge: time.Second})
	id := saveNew(t, repo, map[string]any{"a": 1})
	mustLoad(t, repo, id)
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, err := repo.Load(ctx(t), id)
		if errors.Is(err, domain.ErrSessionNotFound) {
			return
		}
		if err != nil {
			t.Fatalf("Load: %v", err)
		}
		if time.Now().After(deadline) {
			t.Fatal("session with a MaxAge of 1s still loads after 10s")
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (s *suite) testSaveRefreshesExpiry(t *testing.T) {
	repo := s.newRepo(t, Config{MaxAge: 3 * time.Second})
	id := saveNew(t, repo, map[string]any{"a": 1})
	first := mustLoad(t, repo, id).ExpiresAt()
	time.Sleep(time.Until(first.Add(-1500 * time.Millisecond)))
	sess := mustLoad(t, repo, id)
	if err := repo.Save(ctx(t), sess); err != nil {
		t.Fatalf("Save: %v", err)
	}
	if !sess.ExpiresAt().After(first) {
		t.Fatalf("ExpiresAt after Save = %v; want later than %v", sess.ExpiresAt(), first)
	}
	time.Sleep(time.Until(first.Add(500 * time.Millisecond))) // past the first expiry, within the second
	wantValues(t, mustLoad(t, repo, id), map[string]any{"a": 1})
}

func (s *suite) testConcurrentDisjointKeys(t *testing.T) {
	repo := s.newRepo(t, defaultConfig)
	id := saveNew(t, repo, map[string]any{"shared": "s"})
	const workers = 20
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			sess, err := repo.Load(ctx(t), id)
			if err != nil {
				errs <- err
				return
			}
			sess.Values[fmt.Sprintf("k%02d", i)] = i
			errs <- repo.Save(ctx(t), sess)
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("concurrent Load/Save: %v", err)
		}
	}
	want := map[string]any{"shared": "s"}
	for i := 0; i < workers; i++ {
		want[fmt.Sprintf("k%02d", i)] = i
	}
	wantValues(t, mustLoad(t, repo, id), want)
}
