package sessiontest

import (
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/sessionauth/sessionauth/domain"
)

// testIndex checks the optional domain.SessionIndex of a repository; a
// repository without it has nothing to check.
func (s *suite) testIndex(t *testing.T) {
	repo := s.newRepo(t, defaultConfig)
	x, ok := repo.(domain.SessionIndex)
	if !ok {
		t.Logf("%T has no domain.SessionIndex; nothing to check", repo)
		return
	}
	for _, tc := range []struct {
		name string
		run  func(*testing.T, domain.SessionIndex)
	}{
		{"FiledAndRemoved", testIndexFiledAndRemoved},
		{"Expiry", testIndexExpiry},
		{"Concurrent", testIndexConcurrent},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.run(t, x) })
	}
}

// indexed returns the sorted IDs under key.
func indexed(t *testing.T, x domain.SessionIndex, key string) []string {
	t.Helper()
	ids, err := x.Indexed(ctx(t), key)
	if err != nil {
		t.Fatalf("Indexed(%q): %v", key, err)
	}
	slices.Sort(ids)
	return ids
}

func wantIndexed(t *testing.T, x domain.SessionIndex, key string, want ...string) {
	t.Helper()
	slices.Sort(want)
	if got := indexed(t, x, key); !slices.Equal(got, want) && !(len(got) == 0 && len(want) == 0) {
		t.Fatalf("Indexed = %v, want %v", got, want)
	}
}

func testIndexFiledAndRemoved(t *testing.T, x domain.SessionIndex) {
	user, sid, a, b := domain.NewSessionID(), domain.NewSessionID(), domain.NewSessionID(), domain.NewSessionID()
	until := time.Now().Add(time.Hour)
	if err := x.Index(ctx(t), a, []string{"user " + user, "sid " + sid}, until); err != nil {
		t.Fatal(err)
	}
	if err := x.Index(ctx(t), b, []string{"user " + user}, until); err != nil {
		t.Fatal(err)
	}
	wantIndexed(t, x, "user "+user, a, b)
	wantIndexed(t, x, "sid "+sid, a)
	wantIndexed(t, x, "user "+domain.NewSessionID())
	if err := x.Unindex(ctx(t), a, []string{"user " + user, "sid " + sid}); err != nil {
		t.Fatal(err)
	}
	wantIndexed(t, x, "user "+user, b)
	wantIndexed(t, x, "sid "+sid)
	if err := x.Unindex(ctx(t), a, []string{"user " + user, "never filed"}); err != nil {
		t.Fatalf("Unindex of missing entries: %v", err)
	}
}

func testIndexExpiry(t *testing.T, x domain.SessionIndex) {
	key, short, extended := "user "+domain.NewSessionID(), domain.NewSessionID(), domain.NewSessionID()
	soon := time.Now().Add(300 * time.Millisecond)
	for _, id := range []string{short, extended} {
		if err := x.Index(ctx(t), id, []string{key}, soon); err != nil {
			t.Fatal(err)
		}
	}
	if err := x.Index(ctx(t), extended, []string{key}, time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	wantIndexed(t, x, key, short, extended)
	time.Sleep(time.Until(soon) + 200*time.Millisecond)
	wantIndexed(t, x, key, extended)
}

func testIndexConcurrent(t *testing.T, x domain.SessionIndex) {
	key := "user " + domain.NewSessionID()
	ids := make([]string, 20)
	var wg sync.WaitGroup
	for i := range ids {
		ids[i] = domain.NewSessionID()
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := x.Index(ctx(t), ids[i], []string{key}, time.Now().Add(time.Hour)); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	wantIndexed(t, x, key, ids...)
}
