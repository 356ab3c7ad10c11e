package legacysession

import (
	"bytes"
	"context"
	"encoding/gob"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/securecookie"
)

// FileOptions describe Flamingo's file backend (gorilla's FilesystemStore).
type FileOptions struct {
	// Dir is the directory of its session_<ID> files (flamingo.session.file).
	Dir string
	// Name is the cookie's name; "flamingo" by default.
	Name string
	// Secrets are the keys that may have signed the cookies and files
	// (flamingo.session.secret, and earlier ones).
	Secrets []string
	// MaxAge is how old a signature may be (flamingo.session.max.age).
	MaxAge time.Duration
	// MaxSize bounds the size of a file that is read
	// (flamingo.session.store.length); 0: no limit.
	MaxSize int
}

// fileSource reads the files of Flamingo's file backend: the cookie carries
// the session ID signed with the secret, the file session_<ID> the Values,
// signed the same way; both gob-encoded, which fileSource decodes itself
// (its codecs pass the signed bytes through).
type fileSource struct {
	opts   FileOptions
	codecs []securecookie.Codec
}

// File is the Source of Flamingo's file backend. A claim is a marker file
// beside the record (session_<ID>.sessionauth-migrating, created
// exclusively) that holds the time it ends, as the window of the process
// that wrote it says; one that has ended is void (a claim that a stopped
// process left behind, or a move long done) and is taken over. An empty
// marker, as earlier versions wrote, ends a window after it was last
// written. After a move the marker stays behind, one per migrated session,
// until the old cookie comes back after its window.
func File(opts FileOptions) Source {
	if opts.Name == "" {
		opts.Name = "flamingo"
	}
	f := &fileSource{opts: opts}
	for _, secret := range opts.Secrets {
		if secret == "" {
			continue
		}
		c := securecookie.New([]byte(secret), nil).MaxLength(0).SetSerializer(securecookie.NopEncoder{})
		if opts.MaxAge > 0 {
			c.MaxAge(int(opts.MaxAge / time.Second))
		}
		f.codecs = append(f.codecs, c)
	}
	return f
}

func (*fileSource) name() string { return "file" }

// id returns the session ID signed into the cookie.
func (f *fileSource) id(cookie string) (string, bool) {
	var encoded []byte
	if len(cookie) > 4096 || len(f.codecs) == 0 || securecookie.DecodeMulti(f.opts.Name, cookie, &encoded, f.codecs...) != nil {
		return "", false
	}
	var id string
	if gob.NewDecoder(bytes.NewReader(encoded)).Decode(&id) != nil {
		return "", false
	}
	return id, validID(id)
}

func (f *fileSource) claim(_ context.Context, id string, window time.Duration) (*claim, error) {
	held, err := f.hold(id, window)
	if err != nil || !held {
		return &claim{inFlight: true}, err
	}
	c := &claim{id: id, window: window}
	values, err := f.read(id)
	if values == nil || err != nil {
		return nil, errors.Join(err, f.release(context.Background(), c, false))
	}
	c.values = values
	return c, nil
}

// hold creates the marker of id; false when another caller holds it, or
// moved the record, less than window ago.
func (f *fileSource) hold(id string, window time.Duration) (bool, error) {
	for try := 0; ; try++ {
		m, err := os.OpenFile(f.marker(id), os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
		if err == nil {
			_, err = m.WriteString(markerEnd(window))
			return true, errors.Join(pathless(err), pathless(m.Close()))
		}
		if !errors.Is(err, fs.ErrExist) {
			return false, fmt.Errorf("claim: %w", pathless(err))
		}
		if try > 0 || f.held(id, window) {
			return false, nil
		}
		_ = os.Remove(f.marker(id)) // left behind by a process that stopped
	}
}

// read returns the values in the file of id, or nil when there is none.
func (f *fileSource) read(id string) (map[string]any, error) {
	info, err := os.Stat(f.path(id))
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("read: %w", pathless(err))
	case f.opts.MaxSize > 0 && info.Size() > int64(f.opts.MaxSize):
		return nil, fmt.Errorf("%w: %d bytes, more than flamingo.session.store.length (%d)", errUnreadable, info.Size(), f.opts.MaxSize)
	}
	b, err := os.ReadFile(f.path(id))
	if err != nil {
		return nil, fmt.Errorf("read: %w", pathless(err))
	}
	var encoded []byte
	if err := securecookie.DecodeMulti(f.opts.Name, string(b), &encoded, f.codecs...); err != nil {
		return nil, fmt.Errorf("%w: the file's signature: %w", errUnreadable, err)
	}
	return decodeValues(encoded)
}

func (f *fileSource) release(_ context.Context, c *claim, done bool) error {
	if !done {
		if err := os.Remove(f.marker(c.id)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("release the claim: %w", pathless(err))
		}
		return nil
	}
	if err := os.Remove(f.path(c.id)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("delete: %w", pathless(err))
	}
	if err := os.WriteFile(f.marker(c.id), []byte(markerEnd(c.window)), 0o600); err != nil {
		return fmt.Errorf("keep the claim: %w", pathless(err))
	}
	return nil
}

// markerEnd is what a marker holds: when the claim ends, window from now,
// in Unix nanoseconds.
func markerEnd(window time.Duration) string {
	return strconv.FormatInt(time.Now().Add(window).UnixNano(), 10)
}

// held reports whether the marker of id still holds its claim: until the
// time written in it; an empty one (being written, or by an earlier
// version) or one that cannot be read holds for window after it was last
// written.
func (f *fileSource) held(id string, window time.Duration) bool {
	info, err := os.Stat(f.marker(id))
	if err != nil {
		return true // gone meanwhile, or unreadable: not taken over now
	}
	if info.Size() > 0 && info.Size() <= 20 {
		if b, err := os.ReadFile(f.marker(id)); err == nil {
			if end, err := strconv.ParseInt(string(b), 10, 64); err == nil {
				return time.Now().UnixNano() < end
			}
		}
	}
	return time.Since(info.ModTime()) < window
}

// FileID returns the session ID in the name of a file of Flamingo's file
// backend (session_<ID>), or false for other files (the markers of a
// migration, other files).
func FileID(name string) (string, bool) {
	id, ok := strings.CutPrefix(name, "session_")
	if !ok || !validID(id) {
		return "", false
	}
	return id, true
}

func (f *fileSource) path(id string) string { return filepath.Join(f.opts.Dir, "session_"+id) }

func (f *fileSource) marker(id string) string { return f.path(id) + ".sessionauth-migrating" }
