package cookiestore

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"slices"
	"time"

	"github.com/sessionauth/sessionauth/domain"
)

// endedKey is the index key under which the revocation store files an
// ended session's ID: one key per ID, so that a check reads one entry.
func endedKey(id string) string { return "sessionauth.cookie.ended:" + id }

// end records that the session id ended (logout, a new ID at login) for
// an idle lifetime and a minute of clock skew: every copy of its cookies
// was sealed before now, so none opens after that anyway.
func (r *Repository) end(ctx context.Context, id string) error {
	if r.revoked == nil || id == "" {
		return nil
	}
	until := r.c.now().Add(r.maxAge + time.Minute)
	if err := r.revoked.Index(ctx, id, []string{endedKey(id)}, until); err != nil {
		return fmt.Errorf("cookie session repository: revocation: %w", err)
	}
	if r.server != nil {
		if err := r.server.Delete(ctx, copyID(id)); err != nil {
			return fmt.Errorf("cookie session repository: revocation: %w", err)
		}
	}
	return nil
}

// copyID is the ID under which the server copy of session id is kept: a
// hash, so that the revocation store holds no ID that opens a session.
func copyID(id string) string {
	h := sha256.Sum256([]byte("sessionauth.cookie.copy\x00" + id))
	return base64.RawURLEncoding.EncodeToString(h[:])
}

// saveCopy writes the ServerCopy values of s to the revocation store
// when one changed (a login, a renewed record), and removes the copy when
// none is left.
func (r *Repository) saveCopy(ctx context.Context, s *domain.Session, c *domain.Changes) error {
	if r.server == nil {
		return nil
	}
	changed := c.New || c.PreviousID != ""
	values := make(map[string]any, len(r.serverCopy))
	for _, k := range r.serverCopy {
		if _, ok := c.Set[k]; ok || slices.Contains(c.Deleted, k) {
			changed = true
		}
		if v, ok := s.Load(k); ok {
			if id, ok := v.(domain.Identity); ok {
				v = domain.Identity{Broker: id.Broker, Subject: id.Subject} // no token leaves the cookies
			}
			values[k] = v
		}
	}
	if !changed {
		return nil
	}
	id := copyID(c.ID)
	if !c.New { // a new ID has no copy yet: an anonymous visitor costs no call
		if err := r.server.Delete(ctx, id); err != nil {
			return fmt.Errorf("cookie session repository: server copy: %w", err)
		}
	}
	if len(values) == 0 {
		return nil
	}
	cp := domain.NewSessionWithID(id)
	for k, v := range values {
		cp.Store(k, v)
	}
	if err := r.server.Save(ctx, cp); err != nil {
		return fmt.Errorf("cookie session repository: server copy: %w", err)
	}
	return nil
}

// ended reports whether the session id was ended; an error means the
// revocation store failed.
func (r *Repository) ended(ctx context.Context, id string) (bool, error) {
	if r.revoked == nil {
		return false, nil
	}
	ids, err := r.revoked.Indexed(ctx, endedKey(id))
	if err != nil {
		return false, fmt.Errorf("cookie session repository: revocation: %w", err)
	}
	return len(ids) > 0, nil
}

// IndexedRepository is a Repository whose revocation store also keeps the
// index of a user's sessions (domain.SessionIndex), so that they can be
// listed and ended by ID on every instance.
type IndexedRepository struct {
	*Repository
}

var _ domain.SessionIndex = IndexedRepository{}

// WithIndex returns r with the index of its revocation store, or r itself
// when it has none: without one, no session can be ended by its ID.
func WithIndex(r *Repository) domain.SessionRepository {
	if r.revoked == nil {
		return r
	}
	return IndexedRepository{r}
}

// Index files id under keys; see domain.SessionIndex.
func (r IndexedRepository) Index(ctx context.Context, id string, keys []string, expiresAt time.Time) error {
	return r.revoked.Index(ctx, id, keys, expiresAt)
}

// Unindex removes id from keys; see domain.SessionIndex.
func (r IndexedRepository) Unindex(ctx context.Context, id string, keys []string) error {
	return r.revoked.Unindex(ctx, id, keys)
}

// Indexed returns the IDs filed under key; see domain.SessionIndex.
func (r IndexedRepository) Indexed(ctx context.Context, key string) ([]string, error) {
	return r.revoked.Indexed(ctx, key)
}
