package application_test

import (
	"context"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/golang/mock/gomock"

	"github.com/sessionauth/sessionauth/application"
	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/infrastructure/memorystore"
)

// userKey is the index key of user u1 at broker idp.
const userKey = "sessionauth user\x00idp\x00u1"

// logInStored logs u1 in to a new session saved in repo, through the
// mocked broker, and saves it as the middleware would.
func (f *fixture) logInStored(t *testing.T, repo domain.SessionRepository) *domain.Session {
	t.Helper()
	s := domain.NewSession()
	s.Store("cart", "3 books")
	if err := repo.Save(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	req := f.start(t, s, "/")
	f.broker.EXPECT().CheckIssuer(gomock.Any(), "").Return(nil)
	f.broker.EXPECT().Exchange(gomock.Any(), "code", req.PKCEVerifier, req.Nonce).Return(identityFor("u1", time.Now().Add(time.Hour)), nil)
	if _, err := f.m.Callback(context.Background(), s, "idp", url.Values{"state": {req.State}, "code": {"code"}}); err != nil {
		t.Fatal(err)
	}
	application.SetSessionMetadata(s, "userAgent", "test browser")
	if err := repo.Save(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	return s
}

func wantIndexed(t *testing.T, x domain.SessionIndex, want ...string) {
	t.Helper()
	got, err := x.Indexed(context.Background(), userKey)
	slices.Sort(got)
	slices.Sort(want)
	if err != nil || !slices.Equal(got, want) {
		t.Fatalf("index of u1 = %v, %v; want %v", got, err, want)
	}
}

// TestIndexFollowsSessions: the index holds a logged-in session under its
// new ID after login, moves it when the ID is regenerated again, and drops
// it when the session is destroyed or deleted; UserSessions lists and ends
// what it holds.
func TestIndexFollowsSessions(t *testing.T) {
	mem := memorystore.New(memorystore.Options{MaxAge: time.Hour})
	t.Cleanup(func() { _ = mem.Close() })
	repo := application.NewIndexedRepository(mem, time.Hour)
	x := repo.(domain.SessionIndex)
	sessions := application.NewUserSessions(repo)
	f := newFixture(t, application.Options{Sessions: sessions})

	laptop, phone := f.logInStored(t, repo), f.logInStored(t, repo)
	wantIndexed(t, x, laptop.ID(), phone.ID())
	list, err := sessions.List(context.Background(), laptop)
	if err != nil || len(list) != 2 || list[0].Metadata["userAgent"] != "test browser" || list[0].Handle == "" {
		t.Fatalf("List = %+v, %v", list, err)
	}
	if !slices.ContainsFunc(list, func(i application.SessionInfo) bool { return i.Current }) {
		t.Fatalf("List = %+v: the current session is not marked", list)
	}

	old := phone.ID()
	phone.Regenerate()
	if err := repo.Save(context.Background(), phone); err != nil || phone.ID() == old {
		t.Fatalf("regenerate: %v", err)
	}
	wantIndexed(t, x, laptop.ID(), phone.ID())

	phone.Destroy()
	if err := repo.Save(context.Background(), phone); err != nil {
		t.Fatal(err)
	}
	wantIndexed(t, x, laptop.ID())

	tablet := f.logInStored(t, repo)
	if err := repo.Delete(context.Background(), tablet.ID()); err != nil {
		t.Fatal(err)
	}
	wantIndexed(t, x, laptop.ID())

	if n, err := sessions.EndAll(context.Background(), laptop, false); n != 1 || err != nil || !laptop.Destroyed() {
		t.Fatalf("EndAll = %d, %v; destroyed %v", n, err, laptop.Destroyed())
	}
	if err := repo.Save(context.Background(), laptop); err != nil {
		t.Fatal(err)
	}
	wantIndexed(t, x)
	if mem.Len() != 0 {
		t.Fatalf("%d sessions left in the repository", mem.Len())
	}
}
