package application

import (
	"context"
	"fmt"
	"sort"

	"github.com/sessionauth/sessionauth/domain"
)

// The sessions of a subject, for operators: the same index as a user's
// "your sessions" page, reached by broker and subject instead of by the
// current session.

// ListSubject returns the live sessions of subject at broker, oldest login
// first; none when the subject has none.
func (u *UserSessions) ListSubject(ctx context.Context, broker, subject string) ([]SessionInfo, error) {
	found, err := u.sessions(ctx, userKey(broker, subject), broker, subject)
	if err != nil {
		return nil, fmt.Errorf("user sessions: list subject: %w", err)
	}
	out := make([]SessionInfo, 0, len(found))
	for _, f := range found {
		out = append(out, info(f.rec))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Created.Before(out[j].Created) })
	return out, nil
}

// SubjectSession loads the session of subject at broker that has handle;
// ErrUnknownSession when the subject has no session with that handle.
func (u *UserSessions) SubjectSession(ctx context.Context, broker, subject, handle string) (*domain.Session, SessionInfo, error) {
	found, err := u.sessions(ctx, userKey(broker, subject), broker, subject)
	if err != nil {
		return nil, SessionInfo{}, fmt.Errorf("user sessions: subject session: %w", err)
	}
	for _, f := range found {
		if f.rec.Handle == handle {
			s, err := u.repo.Load(ctx, f.id)
			if err != nil {
				return nil, SessionInfo{}, fmt.Errorf("user sessions: subject session: %w", err)
			}
			return s, info(f.rec), nil
		}
	}
	return nil, SessionInfo{}, ErrUnknownSession
}

// EndSubjectSession ends the session of subject at broker that has
// handle; ErrUnknownSession when the subject has no session with that
// handle.
func (u *UserSessions) EndSubjectSession(ctx context.Context, broker, subject, handle string) error {
	found, err := u.sessions(ctx, userKey(broker, subject), broker, subject)
	if err != nil {
		return fmt.Errorf("user sessions: end subject session: %w", err)
	}
	for _, f := range found {
		if f.rec.Handle == handle {
			if err := u.repo.Delete(ctx, f.id); err != nil {
				return fmt.Errorf("user sessions: end subject session: %w", err)
			}
			return nil
		}
	}
	return ErrUnknownSession
}

func info(rec sessionRecord) SessionInfo {
	return SessionInfo{Handle: rec.Handle, Broker: rec.Broker, Created: rec.Created, LastSeen: rec.LastSeen, Metadata: rec.Metadata}
}
