package application

import (
	"context"
	"encoding/gob"
	"time"

	"github.com/sessionauth/sessionauth/domain"
)

// recordKey is the session key of the login's SessionRecord.
const recordKey = domain.SessionRecordKey

// maxMetadata bounds what a session records about its device: entries and
// the length of each value.
const (
	maxMetadataEntries = 8
	maxMetadataValue   = 256
)

// sessionRecord is what a logged-in session keeps about itself for the
// index of a user's sessions: the index keys it is filed under, a handle
// that names it on pages (never the session ID, which is a secret), when
// it was created and last seen, until when its index entries last, and
// metadata the application chose (the user agent, by default).
type sessionRecord struct {
	Keys     []string
	Handle   string
	Broker   string
	Subject  string
	Created  time.Time
	LastSeen time.Time
	Until    time.Time
	Metadata map[string]string
}

// userKey is the index key of every session of subject at broker.
func userKey(broker, subject string) string {
	return "sessionauth user\x00" + broker + "\x00" + subject
}

// sidKey is the index key of the sessions of the provider's session sid.
func sidKey(broker, sid string) string {
	return "sessionauth sid\x00" + broker + "\x00" + sid
}

// recordLogin files the session under its user and, when the ID token has
// one, its provider session (sid): called at login, after Regenerate.
func (m *AuthManager) recordLogin(ctx context.Context, s *domain.Session, id *domain.Identity) {
	now := m.opts.Clock()
	rec := sessionRecord{Keys: []string{userKey(id.Broker, id.Subject)}, Handle: random()[:16],
		Broker: id.Broker, Subject: id.Subject, Created: now, LastSeen: now}
	if sid := sessionIDClaim(id); sid != "" {
		rec.Keys = append(rec.Keys, sidKey(id.Broker, sid))
	}
	if old, ok := s.Try(recordKey).(sessionRecord); ok {
		rec.Metadata = old.Metadata
	}
	s.Store(recordKey, rec)
	m.log.DebugContext(ctx, "session filed", "broker", id.Broker, "subject", id.Subject, "withSid", len(rec.Keys) > 1)
}

// sessionIDClaim returns the sid claim of the identity's ID token.
func sessionIDClaim(id *domain.Identity) string {
	var c struct {
		SID string `json:"sid"`
	}
	if err := id.IDToken.Claims(&c); err != nil {
		return ""
	}
	return c.SID
}

// SetSessionMetadata records key=value about the logged-in session, shown
// when the user lists their sessions (AuthController records the user
// agent at login). Values are cut to 256 bytes and a session holds at most
// 8 entries; a session nobody logged in to records nothing.
func SetSessionMetadata(s *domain.Session, key, value string) {
	rec, ok := s.Try(recordKey).(sessionRecord)
	if !ok {
		return
	}
	if _, exists := rec.Metadata[key]; !exists && len(rec.Metadata) >= maxMetadataEntries {
		return
	}
	if len(value) > maxMetadataValue {
		value = value[:maxMetadataValue]
	}
	md := make(map[string]string, len(rec.Metadata)+1)
	for k, v := range rec.Metadata {
		md[k] = v
	}
	md[key] = value
	rec.Metadata = md
	s.Store(recordKey, rec)
}

func init() {
	gob.Register(sessionRecord{})
}
