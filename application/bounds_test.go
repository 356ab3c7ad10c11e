package application_test

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang/mock/gomock"

	"github.com/sessionauth/sessionauth/application"
	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/infrastructure/memorystore"
)

// A request that loaded the session before a refresh was saved, and comes
// within the reuse window (a minute unless configured), gets the refreshed
// identity without a second refresh at the provider.
func TestStaleCopyReusesARefreshWithinAMinute(t *testing.T) {
	f := newFixture(t, application.Options{})
	s := f.loggedIn(t, "u1", f.clock.Now().Add(-time.Second))
	c, err := s.Changes(0)
	if err != nil {
		t.Fatal(err)
	}
	stale := domain.RestoreSession(c.ID, c.All, time.Now().Add(time.Hour))
	var refreshes atomic.Int32
	f.broker.EXPECT().Refresh(gomock.Any(), gomock.Any()).AnyTimes().DoAndReturn(
		func(_ context.Context, id *domain.Identity) (*domain.Identity, error) {
			refreshes.Add(1)
			next := *id
			next.AccessToken, next.RefreshToken, next.Expiry = "access-new", "refresh-new", f.clock.Now().Add(time.Hour)
			return &next, nil
		})
	if id, err := f.m.Identity(context.Background(), s); err != nil || id.AccessToken != "access-new" {
		t.Fatalf("Identity = %+v, %v", id, err)
	}
	f.clock.Advance(time.Minute) // the end of the window
	if id, err := f.m.Identity(context.Background(), stale); err != nil || id.AccessToken != "access-new" {
		t.Fatalf("stale copy a minute later: Identity = %+v, %v; want the refreshed identity", id, err)
	}
	if n := refreshes.Load(); n != 1 {
		t.Errorf("the provider was asked %d times to refresh, want once", n)
	}
}

// The manager remembers at most MaxUsedStates used states, forgetting the
// oldest first, each for the longest state lifetime of any broker.
func TestUsedStatesExactBounds(t *testing.T) {
	f := newStateFlood(t, application.Options{MaxUsedStates: 3, BrokerStateLifetimes: map[string]time.Duration{"idp": 2 * time.Hour}})
	for range 5 {
		f.pair(t)
	}
	if n := application.UsedStates(f.m); n != 3 {
		t.Fatalf("remembered %d used states, want 3 (MaxUsedStates)", n)
	}
	f.clock.Advance(time.Hour + time.Minute) // beyond the default lifetime, within the broker's
	f.pair(t)
	if n := application.UsedStates(f.m); n != 3 {
		t.Fatalf("an hour later %d used states are remembered, want 3: the broker's logins take up to two hours", n)
	}
	f.clock.Advance(time.Hour)
	f.pair(t)
	if n := application.UsedStates(f.m); n != 2 {
		t.Fatalf("two hours after the first states %d are remembered, want 2", n)
	}
}

// A logged-in session records at most 8 metadata entries of 256 bytes
// each; a session nobody logged in to records nothing.
func TestSessionMetadataBounds(t *testing.T) {
	mem := memorystore.New(memorystore.Options{MaxAge: time.Hour})
	t.Cleanup(func() { _ = mem.Close() })
	repo := application.NewIndexedRepository(mem, time.Hour)
	sessions := application.NewUserSessions(repo)
	f := newFixture(t, application.Options{Sessions: sessions})
	s := f.logInStored(t, repo) // records userAgent
	for _, k := range []string{"a", "b", "c", "d", "e", "f", "g", "h"} {
		application.SetSessionMetadata(s, k, strings.Repeat(k, 257))
	}
	application.SetSessionMetadata(s, "userAgent", "replaced")
	if err := repo.Save(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	list, err := sessions.List(context.Background(), s)
	if err != nil || len(list) != 1 {
		t.Fatalf("List = %+v, %v", list, err)
	}
	md := list[0].Metadata
	if len(md) != 8 || md["userAgent"] != "replaced" || md["h"] != "" || md["g"] != strings.Repeat("g", 256) {
		t.Errorf("metadata = %d entries, userAgent %q, h %q, g of %d bytes; want 8, replaced, none, 256", len(md), md["userAgent"], md["h"], len(md["g"]))
	}
	guest := domain.NewSession()
	application.SetSessionMetadata(guest, "userAgent", "x")
	if len(guest.Keys()) != 0 {
		t.Errorf("a guest session records %v", guest.Keys())
	}
}
