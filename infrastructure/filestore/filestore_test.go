package filestore_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/infrastructure/filestore"
	"github.com/sessionauth/sessionauth/internal/storetest"
	"github.com/sessionauth/sessionauth/sessiontest"
)

func newFile(t testing.TB, opts filestore.Options) *filestore.Repository {
	t.Helper()
	repo, err := filestore.New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() {
		if err := repo.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return repo
}

// sessionFile is where the repository keeps session id, as its doc comment
// describes the directory.
func sessionFile(dir, id string) string { return filepath.Join(dir, id+".session") }

func TestFileSessionRepositoryContract(t *testing.T) {
	dir := t.TempDir() // shared by the subtests, as a deployment shares it
	sessiontest.Run(t, func(t *testing.T, cfg sessiontest.Config) domain.SessionRepository {
		return newFile(t, filestore.Options{Dir: dir, MaxAge: cfg.MaxAge, MaxSize: cfg.MaxSize, MaxSessions: 100000})
	}, sessiontest.WithCorrupter(func(t *testing.T, _ domain.SessionRepository, id string) {
		if err := os.WriteFile(sessionFile(dir, id), []byte("\x00garbage\xff"), 0o600); err != nil {
			t.Fatal(err)
		}
	}))
}

func TestFileSessionRepositoryDir(t *testing.T) {
	base := t.TempDir()
	regular := filepath.Join(base, "regular")
	if err := os.WriteFile(regular, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, dir, wantErr string // wantErr "" means success
	}{
		{"existing", base, ""},
		{"created with its parents", filepath.Join(base, "a", "b", "sessions"), ""},
		{"empty", "", "flamingo.session.file is empty"},
		{"below a regular file", filepath.Join(regular, "sessions"), filepath.Join(regular, "sessions")},
		{"a regular file", regular, regular},
	} {
		t.Run(tc.name, func(t *testing.T) {
			repo, err := filestore.New(filestore.Options{Dir: tc.dir})
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("New(%q): %v", tc.dir, err)
				}
				if info, err := os.Stat(tc.dir); err != nil || !info.IsDir() {
					t.Fatalf("directory %q not there: %v", tc.dir, err)
				}
				_ = repo.Close()
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) || !strings.Contains(err.Error(), "set flamingo.session.file to") {
				t.Fatalf("New(%q) error = %v; want one naming flamingo.session.file, %q and the fix", tc.dir, err, tc.wantErr)
			}
		})
	}
}

func TestFileSessionRepositoryLayout(t *testing.T) {
	dir := t.TempDir()
	repo := newFile(t, filestore.Options{Dir: dir})
	id := storetest.SaveValues(t, repo, map[string]any{"a": 1}).ID()
	info, err := os.Stat(sessionFile(dir, id))
	if err != nil {
		t.Fatalf("session file: %v", err)
	}
	if perm := info.Mode().Perm(); perm != 0o600 {
		t.Fatalf("session file mode %v; want 0600, sessions are secrets", perm)
	}
}

func TestFileSessionRepositoryTwoInstancesMerge(t *testing.T) {
	dir := t.TempDir()
	repos := []domain.SessionRepository{ // two instances on one directory, as two processes would be
		newFile(t, filestore.Options{Dir: dir}),
		newFile(t, filestore.Options{Dir: dir}),
	}
	const rounds, workers = 3, 16
	for round := 0; round < rounds; round++ {
		id := storetest.SaveValues(t, repos[0], map[string]any{"shared": round}).ID()
		var wg sync.WaitGroup
		errs := make(chan error, workers)
		for i := 0; i < workers; i++ {
			wg.Add(1)
			go func(repo domain.SessionRepository, key string) {
				defer wg.Done()
				s, err := repo.Load(context.Background(), id)
				if err == nil {
					s.Values[key] = key
					err = repo.Save(context.Background(), s)
				}
				errs <- err
			}(repos[i%2], fmt.Sprintf("k%02d", i))
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatalf("concurrent Load/Save: %v", err)
			}
		}
		got, err := repos[1].Load(context.Background(), id)
		if err != nil {
			t.Fatalf("Load: %v", err)
		}
		if len(got.Values) != workers+1 {
			t.Fatalf("round %d: keys %v; want shared and k00…k%02d: saves through the two instances were lost", round, got.Keys(), workers-1)
		}
	}
}

func TestFileSessionRepositoryRegenerateVanished(t *testing.T) {
	dir := t.TempDir()
	storetest.RegenerateVanished(t, newFile(t, filestore.Options{Dir: dir}), func() int {
		n := 0
		for _, name := range dirNames(t, dir) {
			if strings.HasSuffix(name, ".session") {
				n++
			}
		}
		return n
	})
}

func TestFileSessionRepositoryMergedSizeLimit(t *testing.T) {
	storetest.MergedSizeLimit(t, newFile(t, filestore.Options{Dir: t.TempDir(), MaxSize: 1024}))
}

func TestFileSessionRepositoryStatus(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "sessions")
	repo := newFile(t, filestore.Options{Dir: dir})
	if alive, details := repo.Status(); !alive {
		t.Fatalf("Status() = false, %q on a writable directory", details)
	}
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	if alive, details := repo.Status(); alive || !strings.Contains(details, dir) {
		t.Fatalf("Status() = %v, %q with the directory gone; want not alive, naming the directory", alive, details)
	}
}

func TestFileSessionRepositoryCloseStopsSweeper(t *testing.T) {
	before := runtime.NumGoroutine()
	repo, err := filestore.New(filestore.Options{Dir: t.TempDir(), SweepInterval: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	storetest.SaveValues(t, repo, map[string]any{"a": 1})
	for i := 0; i < 2; i++ {
		if err := repo.Close(); err != nil {
			t.Fatalf("Close #%d: %v", i+1, err)
		}
	}
	if !storetest.WaitFor(5*time.Second, func() bool { return runtime.NumGoroutine() <= before }) {
		t.Fatalf("%d goroutines after Close, %d before the repository; the sweeper leaks", runtime.NumGoroutine(), before)
	}
}
