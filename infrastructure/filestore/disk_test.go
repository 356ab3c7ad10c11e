package filestore_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/infrastructure/filestore"
	"github.com/sessionauth/sessionauth/internal/storetest"
)

// snapshot maps every file below dir, except those below skip, to its
// contents.
func snapshot(t *testing.T, dir, skip string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		switch {
		case err != nil:
			return err
		case d.IsDir() && path == skip:
			return filepath.SkipDir
		case d.IsDir():
			return nil
		}
		b, err := os.ReadFile(path)
		files[path] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func TestFileSessionRepositoryPathTraversal(t *testing.T) {
	outer := t.TempDir()
	inner := filepath.Join(outer, "sessions")
	outside := newFile(t, filestore.Options{Dir: outer})
	victim := storetest.SaveValues(t, outside, map[string]any{"owner": "outside"}).ID()
	if err := os.WriteFile(filepath.Join(outer, "passwd"), []byte("root"), 0o600); err != nil {
		t.Fatal(err)
	}
	repo := newFile(t, filestore.Options{Dir: inner})
	before := snapshot(t, outer, inner)
	ids := []string{victim, "../" + victim, "../passwd", "..", "/" + victim[1:], victim[:40] + "/..", "", ".", "../sessions/../" + victim}
	ctx := context.Background()
	for _, id := range ids {
		if _, err := repo.Load(ctx, id); !errors.Is(err, domain.ErrSessionNotFound) {
			t.Errorf("Load(%q) = %v; want ErrSessionNotFound", id, err)
		}
		if err := repo.Delete(ctx, id); err != nil {
			t.Errorf("Delete(%q) = %v; want nil, as for any missing session", id, err)
		}
		for _, op := range []func(*domain.Session){func(s *domain.Session) {}, (*domain.Session).Regenerate, (*domain.Session).Destroy} {
			s := domain.RestoreSession(id, map[string][]byte{}, time.Now().Add(time.Hour))
			s.Values["owner"] = "attacker"
			op(s)
			if err := repo.Save(ctx, s); err != nil && !errors.Is(err, domain.ErrSessionNotFound) {
				t.Errorf("Save of a session with ID %q = %v; want ErrSessionNotFound or, for Destroy, nil", id, err)
			}
		}
	}
	if after := snapshot(t, outer, inner); !maps.Equal(after, before) {
		t.Fatalf("files outside the session directory changed:\nbefore %v\nafter  %v", before, after)
	}
	got, err := outside.Load(ctx, victim)
	if err != nil || got.Values["owner"] != "outside" {
		t.Fatalf("session outside the directory = %v, %v; want it untouched", got, err)
	}
}

func TestFileSessionRepositoryDamagedFile(t *testing.T) {
	dir := t.TempDir()
	repo := newFile(t, filestore.Options{Dir: dir})
	ctx := context.Background()
	for _, tc := range []struct {
		name   string
		damage func([]byte) []byte
	}{
		{"empty", func(b []byte) []byte { return nil }},
		{"magic only", func(b []byte) []byte { return b[:4] }},
		{"header only", func(b []byte) []byte { return b[:12] }},
		{"last byte missing", func(b []byte) []byte { return b[:len(b)-1] }},
		{"half", func(b []byte) []byte { return b[:len(b)/2] }},
		{"byte flipped", func(b []byte) []byte { b[len(b)/2] ^= 0x40; return b }},
		{"trailing byte", func(b []byte) []byte { return append(b, 0) }},
		{"other version", func(b []byte) []byte { b[3]++; return b }},
		{"text", func(b []byte) []byte { return []byte("this is not a session") }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			loaded := mustLoadFresh(t, repo)
			path := sessionFile(dir, loaded.ID())
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			damaged := tc.damage(b)
			if err := os.WriteFile(path, damaged, 0o600); err != nil {
				t.Fatal(err)
			}
			if _, err := repo.Load(ctx, loaded.ID()); !errors.Is(err, domain.ErrSessionNotFound) {
				t.Fatalf("Load of a damaged file = %v; want ErrSessionNotFound", err)
			}
			loaded.Values["b"] = 2
			if err := repo.Save(ctx, loaded); !errors.Is(err, domain.ErrSessionNotFound) {
				t.Fatalf("Save onto a damaged file = %v; want ErrSessionNotFound", err)
			}
			if now, _ := os.ReadFile(path); !bytes.Equal(now, damaged) {
				t.Fatal("Save rewrote a damaged file from a partial update")
			}
		})
	}
}

// mustLoadFresh saves a new session and loads it again.
func mustLoadFresh(t *testing.T, repo domain.SessionRepository) *domain.Session {
	t.Helper()
	id := storetest.SaveValues(t, repo, map[string]any{"a": 1, "text": strings.Repeat("x", 40)}).ID()
	s, err := repo.Load(context.Background(), id)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return s
}

func writeFiles(t *testing.T, dir string, names ...string) {
	t.Helper()
	for _, name := range names {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("\x00partial"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), ".session-lock-") {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	return names
}

func TestFileSessionRepositoryLeftoverTempFiles(t *testing.T) {
	dir := t.TempDir()
	writer := newFile(t, filestore.Options{Dir: dir, SweepInterval: time.Hour})
	id := storetest.SaveValues(t, writer, map[string]any{"a": 1}).ID()
	other := domain.NewSessionID()
	foreign := []string{"notes.txt", ".hidden", "x.session", ".x.session.tmp1", other + ".session.tmp1"}
	writeFiles(t, dir, "."+id+".session.tmp123", "."+other+".session.tmp456")
	writeFiles(t, dir, foreign...)
	repo := newFile(t, filestore.Options{Dir: dir, SweepInterval: 20 * time.Millisecond})
	if s, err := repo.Load(context.Background(), id); err != nil || s.Values["a"] != 1 {
		t.Fatalf("Load beside a leftover temporary file = %v, %v", s, err)
	}
	storetest.SaveValues(t, repo, nil) // starts the sweeper
	leftovers := []string{"." + id + ".session.tmp123", "." + other + ".session.tmp456"}
	collected := func() bool {
		for _, name := range leftovers {
			if _, err := os.Lstat(filepath.Join(dir, name)); !errors.Is(err, os.ErrNotExist) {
				return false
			}
		}
		return true
	}
	if !storetest.WaitFor(5*time.Second, collected) {
		t.Fatalf("directory holds %q; want the leftover temporary files %q collected", dirNames(t, dir), leftovers)
	}
	for _, name := range append([]string{id + ".session"}, foreign...) {
		if _, err := os.Lstat(filepath.Join(dir, name)); err != nil {
			t.Errorf("the sweeper removed %s, which is no leftover: %v", name, err)
		}
	}
}

func TestFileSessionRepositorySweepsExpired(t *testing.T) {
	dir := t.TempDir()
	old := time.Now().Add(-2 * time.Hour)
	garbled, recent := domain.NewSessionID()+".session", domain.NewSessionID()+".session"
	writeFiles(t, dir, garbled, recent, "notes.txt")
	for _, name := range []string{garbled, "notes.txt"} {
		if err := os.Chtimes(filepath.Join(dir, name), old, old); err != nil {
			t.Fatal(err)
		}
	}
	repo := newFile(t, filestore.Options{Dir: dir, MaxAge: time.Hour, SweepInterval: 20 * time.Millisecond})
	short := newFile(t, filestore.Options{Dir: dir, MaxAge: 100 * time.Millisecond, SweepInterval: time.Hour})
	for i := 0; i < 3; i++ {
		storetest.SaveValues(t, short, map[string]any{"i": i})
	}
	kept := storetest.SaveValues(t, repo, map[string]any{"kept": true}).ID() + ".session" // starts the sweeper
	want := []string{kept, recent, "notes.txt"}
	sort.Strings(want)
	if !storetest.WaitFor(5*time.Second, func() bool { return fmt.Sprint(dirNames(t, dir)) == fmt.Sprint(want) }) {
		t.Fatalf("directory holds %q; want %q: expired and old unreadable session files deleted, the rest kept", dirNames(t, dir), want)
	}
}
