package memorystore

import (
	"context"
	"time"

	"github.com/sessionauth/sessionauth/domain"
)

var _ domain.SessionIndex = (*Repository)(nil)

// Index files the session id under keys until expiresAt, in memory; see
// domain.SessionIndex. There is no error.
func (r *Repository) Index(_ context.Context, id string, keys []string, expiresAt time.Time) error {
	r.index.Index(id, keys, expiresAt)
	return nil
}

// Unindex removes id from keys; see domain.SessionIndex.
func (r *Repository) Unindex(_ context.Context, id string, keys []string) error {
	r.index.Unindex(id, keys)
	return nil
}

// Indexed returns the live IDs filed under key; see domain.SessionIndex.
func (r *Repository) Indexed(_ context.Context, key string) ([]string, error) {
	return r.index.Indexed(key), nil
}
