package filestore

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// indexSweeps remembers when each directory's index was last swept, so
// that Index sweeps at most once a minute per directory.
var indexSweeps sync.Map // index directory → time.Time

const indexSweepInterval = time.Minute

// sweepIndex rewrites, at most once per indexSweepInterval, every index
// file of the directory without its expired entries, deleting the files
// left empty and temporary files older than the interval: index files of
// users who never come back do not stay.
func (r *Repository) sweepIndex(now time.Time) {
	dir := filepath.Join(r.dir, indexDir)
	if last, ok := indexSweeps.Load(dir); ok && now.Sub(last.(time.Time)) < indexSweepInterval {
		return
	}
	indexSweeps.Store(dir, now)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".") {
			if info, err := e.Info(); err == nil && now.Sub(info.ModTime()) > indexSweepInterval {
				_ = os.Remove(filepath.Join(dir, name))
			}
			continue
		}
		_ = r.editIndex(name, func(map[string]int64) {})
	}
}
