package application_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/sessionauth/sessionauth/application"
	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/infrastructure/memorystore"
)

// A user ends one session by its handle, or all others; the handle marked
// current is the session asking.
func TestEndSessionsByHandle(t *testing.T) {
	mem := memorystore.New(memorystore.Options{MaxAge: time.Hour})
	t.Cleanup(func() { _ = mem.Close() })
	repo := application.NewIndexedRepository(mem, time.Hour)
	sessions := application.NewUserSessions(repo)
	f := newFixture(t, application.Options{Sessions: sessions})
	laptop, phone, tablet := f.logInStored(t, repo), f.logInStored(t, repo), f.logInStored(t, repo)
	ctx := context.Background()

	if err := sessions.End(ctx, laptop, "no such handle"); !errors.Is(err, application.ErrUnknownSession) {
		t.Fatalf("End of an unknown handle: %v, want ErrUnknownSession", err)
	}
	if n, err := sessions.EndAll(ctx, laptop, true); n != 2 || err != nil || laptop.Destroyed() {
		t.Fatalf("EndAll keeping the current session = %d, %v (destroyed %v); want 2 others ended", n, err, laptop.Destroyed())
	}
	for _, s := range []*domain.Session{phone, tablet} {
		if _, err := repo.Load(ctx, s.ID()); !errors.Is(err, domain.ErrSessionNotFound) {
			t.Errorf("another device's session: %v, want it ended", err)
		}
	}
	list, err := sessions.List(ctx, laptop)
	if err != nil || len(list) != 1 || !list[0].Current {
		t.Fatalf("List = %+v, %v; want the current session alone", list, err)
	}
	if err := sessions.End(ctx, laptop, list[0].Handle); err != nil || !laptop.Destroyed() {
		t.Fatalf("End of the current session's handle: %v, destroyed %v", err, laptop.Destroyed())
	}
}

// A session's "last seen" moves when it is saved a minute or more after
// the last time it moved, not on every save.
func TestLastSeenMovesOncePerMinute(t *testing.T) {
	mem := memorystore.New(memorystore.Options{MaxAge: time.Hour})
	t.Cleanup(func() { _ = mem.Close() })
	repo := application.NewIndexedRepository(mem, time.Hour)
	sessions := application.NewUserSessions(repo)
	f := newFixture(t, application.Options{Sessions: sessions})
	application.SetIndexClock(repo, f.clock.Now)
	s := f.logInStored(t, repo)
	seen := func() time.Time {
		t.Helper()
		if err := repo.Save(context.Background(), s); err != nil {
			t.Fatal(err)
		}
		list, err := sessions.List(context.Background(), s)
		if err != nil || len(list) != 1 {
			t.Fatalf("List = %+v, %v", list, err)
		}
		return list[0].LastSeen
	}
	first := seen()
	f.clock.Advance(59 * time.Second)
	if got := seen(); !got.Equal(first) {
		t.Errorf("59s later last seen moved to %v", got)
	}
	f.clock.Advance(time.Second)
	if got := seen(); !got.Equal(first.Add(time.Minute)) {
		t.Errorf("a minute later last seen is %v, want %v", got, first.Add(time.Minute))
	}
}
