package filestore

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/sessionauth/sessionauth/domain"
)

var _ domain.SessionIndex = (*Repository)(nil)

// indexDir is the subdirectory of the index: one file per key, named by a
// hash of the key, with one line "<id> <expiry in Unix ms>" per entry.
// Entries are rewritten under the key's lock (a temporary file renamed over
// the old one), expired ones dropped on every write, and a file whose
// entries all expired is deleted when its key is next used or by the sweep
// that Index runs at most once per sweep interval.
const indexDir = "index"

// Index files the session id under keys until expiresAt; see
// domain.SessionIndex.
func (r *Repository) Index(_ context.Context, id string, keys []string, expiresAt time.Time) error {
	for _, k := range keys {
		err := r.editIndex(indexName(k), func(entries map[string]int64) { entries[id] = expiresAt.UnixMilli() })
		if err != nil {
			return fmt.Errorf("file session repository: index: %w", err)
		}
	}
	r.sweepIndex(time.Now())
	return nil
}

// Unindex removes id from keys; see domain.SessionIndex.
func (r *Repository) Unindex(_ context.Context, id string, keys []string) error {
	for _, k := range keys {
		if err := r.editIndex(indexName(k), func(entries map[string]int64) { delete(entries, id) }); err != nil {
			return fmt.Errorf("file session repository: unindex: %w", err)
		}
	}
	return nil
}

// Indexed returns the IDs under key whose entries have not expired; see
// domain.SessionIndex. It takes no lock: files are replaced whole.
func (r *Repository) Indexed(_ context.Context, key string) ([]string, error) {
	entries, err := r.readIndex(indexName(key), time.Now())
	if err != nil {
		return nil, fmt.Errorf("file session repository: indexed: %w", err)
	}
	ids := make([]string, 0, len(entries))
	for id := range entries {
		ids = append(ids, id)
	}
	return ids, nil
}

func indexName(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:16])
}

func (r *Repository) indexPath(name string) string { return filepath.Join(r.dir, indexDir, name) }

// editIndex rewrites the index file name with edit applied, under its lock.
func (r *Repository) editIndex(name string, edit func(map[string]int64)) error {
	unlock, err := r.locks.lock(indexDir+"/"+name, "")
	if err != nil {
		return err
	}
	defer unlock()
	entries, err := r.readIndex(name, time.Now())
	if err != nil {
		return err
	}
	edit(entries)
	return r.writeIndex(name, entries)
}

// readIndex returns the live entries of an index file; a missing file has
// none, and lines that do not parse are dropped.
func (r *Repository) readIndex(name string, now time.Time) (map[string]int64, error) {
	b, err := os.ReadFile(r.indexPath(name))
	if errors.Is(err, fs.ErrNotExist) {
		return map[string]int64{}, nil
	}
	if err != nil {
		return nil, err
	}
	entries := map[string]int64{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		id, exp, ok := strings.Cut(sc.Text(), " ")
		ms, err := strconv.ParseInt(exp, 10, 64)
		if ok && err == nil && domain.ValidSessionID(id) && ms > now.UnixMilli() {
			entries[id] = ms
		}
	}
	return entries, nil
}

// writeIndex replaces the index file name by entries, or deletes it when
// there are none. The caller holds the lock.
func (r *Repository) writeIndex(name string, entries map[string]int64) error {
	if len(entries) == 0 {
		if err := os.Remove(r.indexPath(name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		return nil
	}
	var b bytes.Buffer
	for id, ms := range entries {
		fmt.Fprintf(&b, "%s %d\n", id, ms)
	}
	if err := os.MkdirAll(filepath.Join(r.dir, indexDir), 0o700); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Join(r.dir, indexDir), "."+name+".tmp")
	if err != nil {
		return err
	}
	_, err = f.Write(b.Bytes())
	if closeErr := f.Close(); err == nil {
		err = closeErr
	}
	if err == nil {
		err = os.Rename(f.Name(), r.indexPath(name))
	}
	if err != nil {
		_ = os.Remove(f.Name())
	}
	return err
}
