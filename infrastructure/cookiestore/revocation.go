package cookiestore

import (
	"context"
	"fmt"
	"time"
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
