package application_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/golang/mock/gomock"

	"github.com/sessionauth/sessionauth/application"
	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/infrastructure/memorystore"
)

// verifyingBroker is a broker that verifies logout tokens by table.
type verifyingBroker struct {
	domain.IdentityProvider
	tokens map[string]*domain.LogoutToken
}

func (b verifyingBroker) VerifyLogoutToken(_ context.Context, raw string) (*domain.LogoutToken, error) {
	if tok, ok := b.tokens[raw]; ok {
		return tok, nil
	}
	return nil, domain.ErrInvalidLogoutToken
}

// A logout token ends the sessions it names once: by sid when it has one,
// else every session of its subject; a replayed token ends nothing.
func TestBackChannelLogout(t *testing.T) {
	mem := memorystore.New(memorystore.Options{MaxAge: time.Hour})
	t.Cleanup(func() { _ = mem.Close() })
	repo := application.NewIndexedRepository(mem, time.Hour)
	var log bytes.Buffer
	f := newFixture(t, application.Options{})
	exp := time.Now().Add(time.Hour)
	b := verifyingBroker{IdentityProvider: f.broker, tokens: map[string]*domain.LogoutToken{
		"by-sid":    {Subject: "u1", SessionID: "other-sid", TokenID: "j1", Expiry: exp},
		"by-sub":    {Subject: "u1", TokenID: "j2", Expiry: exp},
		"by-sid-s1": {Subject: "u1", SessionID: "s1", TokenID: "j3", Expiry: exp},
		"s1-of-u2":  {Subject: "u2", SessionID: "s1", TokenID: "j4", Expiry: exp},
	}}
	opts := application.Options{Sessions: application.NewUserSessions(repo), Clock: f.clock.Now, Logger: slog.New(slog.NewTextHandler(&log, &slog.HandlerOptions{Level: slog.LevelDebug}))}
	f.m = application.NewAuthManager(map[string]domain.IdentityProvider{"idp": b, "plain": f.broker}, opts)
	laptop, phone := f.logInStored(t, repo), f.logInStored(t, repo)
	tablet := f.logInStoredWithSid(t, repo, "s1")

	steps := []struct {
		broker, raw string
		n           int
		err         error
	}{
		{"idp", "by-sid", 0, nil},
		{"idp", "s1-of-u2", 0, nil},
		{"idp", "by-sid-s1", 1, nil},
		{"idp", "forged", 0, domain.ErrInvalidLogoutToken},
		{"plain", "by-sub", 0, application.ErrBackChannelUnsupported},
		{"nobody", "by-sub", 0, domain.ErrUnknownBroker},
		{"idp", "by-sub", 2, nil},
		{"idp", "by-sub", 0, domain.ErrInvalidLogoutToken},
	}
	for i, s := range steps {
		n, err := f.m.BackChannelLogout(context.Background(), s.broker, s.raw)
		if n != s.n || !errors.Is(err, s.err) {
			t.Fatalf("step %d, %s at %s: %d sessions ended, %v; want %d, %v", i, s.raw, s.broker, n, err, s.n, s.err)
		}
	}
	for _, s := range []*domain.Session{laptop, phone, tablet} {
		if _, err := repo.Load(context.Background(), s.ID()); !errors.Is(err, domain.ErrSessionNotFound) {
			t.Errorf("session still there after logout: %v", err)
		}
	}
	if strings.Count(log.String(), "withSid=true") != 1 || strings.Count(log.String(), "withSid=false") != 2 ||
		!strings.Contains(log.String(), "bySid=true sessionsEnded=0") || !strings.Contains(log.String(), "bySid=false sessionsEnded=2") {
		t.Errorf("log:\n%s", log.String())
	}

	noIndex := application.NewAuthManager(map[string]domain.IdentityProvider{"idp": b}, application.Options{})
	if _, err := noIndex.BackChannelLogout(context.Background(), "idp", "by-sub"); !errors.Is(err, application.ErrNoSessionIndex) {
		t.Errorf("without a session index: %v, want ErrNoSessionIndex", err)
	}
}

// logInStoredWithSid logs u1 in, with an ID token of provider session sid,
// to a new session saved in repo.
func (f *fixture) logInStoredWithSid(t *testing.T, repo domain.SessionRepository, sid string) *domain.Session {
	t.Helper()
	s := domain.NewSession()
	req := f.start(t, s, "/")
	id := identityFor("u1", time.Now().Add(time.Hour))
	id.IDToken.Payload = []byte(`{"sub":"u1","sid":"` + sid + `"}`)
	f.broker.EXPECT().CheckIssuer(gomock.Any(), "").Return(nil)
	f.broker.EXPECT().Exchange(gomock.Any(), "code", req.PKCEVerifier, req.Nonce).Return(id, nil)
	if _, err := f.m.Callback(context.Background(), s, "idp", url.Values{"state": {req.State}, "code": {"code"}}); err != nil {
		t.Fatal(err)
	}
	if err := repo.Save(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	return s
}
