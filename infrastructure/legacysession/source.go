package legacysession

import (
	"bytes"
	"context"
	"encoding/gob"
	"errors"
	"fmt"
	"io/fs"
	"time"
)

// Source is a session store of Flamingo v3 that sessions are migrated
// from: Redis or File.
type Source interface {
	// name says which store it is, in errors and logs.
	name() string
	// id returns the old session ID the cookie value names, or false when
	// the value cannot be one of this store's cookies.
	id(cookie string) (string, bool)
	// claim takes the record of id for this caller alone, for at most
	// window: a claim left by a process that stopped half-way is void after
	// it. It returns nil when there is neither a record nor a claim, a
	// claim with inFlight set when another caller holds the record or
	// moved it less than window ago, and errUnreadable (wrapped) when the
	// record cannot be read; the record is then left as it was.
	claim(ctx context.Context, id string, window time.Duration) (*claim, error)
	// release ends a claim. done deletes the record and keeps the claim
	// for another window, so that parallel requests with the old cookie
	// find the new session and later ones find nothing; otherwise the
	// claim is dropped and the record left for a later claim.
	release(ctx context.Context, c *claim, done bool) error
}

// claim is one caller's hold on an old record.
type claim struct {
	inFlight bool           // another caller holds the record, or moved it recently
	id       string         // the old session ID
	values   map[string]any // the old session's values
	window   time.Duration  // how long the claim holds
}

// errUnreadable marks a record that cannot be carried over.
var errUnreadable = errors.New("the old session cannot be read")

// decodeValues decodes gob-encoded gorilla session Values (see stringKeys).
func decodeValues(b []byte) (map[string]any, error) {
	var values map[any]any
	err := gob.NewDecoder(bytes.NewReader(b)).Decode(&values)
	for tries := 0; err != nil && tries < len(authTypes) && registerAuthType(err); tries++ {
		values = nil
		err = gob.NewDecoder(bytes.NewReader(b)).Decode(&values)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: decode: %w (a value of a custom type comes over when the type is registered with gob.Register, as the old application did)",
			errUnreadable, err)
	}
	return stringKeys(values), nil
}

// stringKeys returns the values with string keys; others, which
// sessionauth's sessions cannot hold, are left out.
func stringKeys(values map[any]any) map[string]any {
	out := make(map[string]any, len(values))
	for k, v := range values {
		if key, ok := k.(string); ok {
			out[key] = v
		}
	}
	return out
}

// pathless returns err without the file name that os errors carry: the
// name holds a session ID, which no error may show.
func pathless(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %w", pe.Op, pe.Err)
	}
	return err
}

// validID reports whether id has the form of the IDs Flamingo's backends
// make: unpadded base32 of 32 (file) or 64 (Redis) random bytes. Nothing
// else reaches a Redis key or a file name.
func validID(id string) bool {
	if len(id) < 50 || len(id) > 110 {
		return false
	}
	for i := 0; i < len(id); i++ {
		if c := id[i]; !(c >= 'A' && c <= 'Z' || c >= '2' && c <= '7') {
			return false
		}
	}
	return true
}
