package legacysession

import (
	"context"
	"fmt"
)

// Readable reads the old session the cookie names without claiming or
// moving it, for a dry run of a migration ahead of the visitors' return:
// false when there is no such session, an error when it cannot be carried
// over (a value of a type not registered with gob.Register, a record
// larger than the size limit, a file whose signature does not verify) or
// the store cannot be read.
func (m *Migrator) Readable(ctx context.Context, cookie string) (bool, error) {
	id, ok := m.source.id(cookie)
	if !ok {
		return false, nil
	}
	return m.ReadableID(ctx, id)
}

// ReadableID is Readable for the old session stored under id.
func (m *Migrator) ReadableID(ctx context.Context, id string) (bool, error) {
	if !validID(id) {
		return false, nil
	}
	var values map[string]any
	var err error
	switch s := m.source.(type) {
	case *redisSource:
		values, err = s.read(ctx, id)
	case *fileSource:
		values, err = s.read(id)
	default:
		return false, fmt.Errorf("legacy session migration: %s: cannot be read without moving", m.source.name())
	}
	if err != nil {
		return false, fmt.Errorf("legacy session migration: %s: %w", m.source.name(), err)
	}
	return values != nil, nil
}

// RedisID tells whether key, less the key prefix, has the form of a
// session ID of Flamingo's Redis backend; other keys (the markers of a
// migration, other applications' keys) are not old sessions.
func RedisID(id string) bool {
	return validID(id)
}
