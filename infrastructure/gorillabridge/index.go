package gorillabridge

import (
	"context"
	"time"

	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/infrastructure/internal/storage"
)

var _ domain.SessionIndex = (*Repository)(nil)

// Index files the session id under keys in Options.Index; see
// domain.SessionIndex.
func (r *Repository) Index(ctx context.Context, id string, keys []string, expiresAt time.Time) error {
	return r.index.Index(ctx, id, keys, expiresAt)
}

// Unindex removes id from keys in Options.Index; see domain.SessionIndex.
func (r *Repository) Unindex(ctx context.Context, id string, keys []string) error {
	return r.index.Unindex(ctx, id, keys)
}

// Indexed returns the IDs under key from Options.Index; see
// domain.SessionIndex.
func (r *Repository) Indexed(ctx context.Context, key string) ([]string, error) {
	return r.index.Indexed(ctx, key)
}

// memoryIndex is the index of a repository without Options.Index.
type memoryIndex struct{ x storage.MemoryIndex }

func (m *memoryIndex) Index(_ context.Context, id string, keys []string, expiresAt time.Time) error {
	m.x.Index(id, keys, expiresAt)
	return nil
}

func (m *memoryIndex) Unindex(_ context.Context, id string, keys []string) error {
	m.x.Unindex(id, keys)
	return nil
}

func (m *memoryIndex) Indexed(_ context.Context, key string) ([]string, error) {
	return m.x.Indexed(key), nil
}
