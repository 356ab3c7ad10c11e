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

// TestSubjectSessions: an operator lists the sessions of u1 at idp by
// subject, loads one by its handle and ends it; an unknown handle, another
// broker and another subject find nothing.
func TestSubjectSessions(t *testing.T) {
	ctx := context.Background()
	mem := memorystore.New(memorystore.Options{MaxAge: time.Hour})
	t.Cleanup(func() { _ = mem.Close() })
	repo := application.NewIndexedRepository(mem, time.Hour)
	sessions := application.NewUserSessions(repo)
	f := newFixture(t, application.Options{Sessions: sessions})
	laptop, phone := f.logInStored(t, repo), f.logInStored(t, repo)

	list, err := sessions.ListSubject(ctx, "idp", "u1")
	if err != nil || len(list) != 2 || list[0].Handle == list[1].Handle || list[0].Created.After(list[1].Created) || list[0].Broker != "idp" {
		t.Fatalf("ListSubject = %+v, %v", list, err)
	}
	for _, other := range [][2]string{{"idp", "u2"}, {"other", "u1"}} {
		if l, err := sessions.ListSubject(ctx, other[0], other[1]); err != nil || len(l) != 0 {
			t.Errorf("ListSubject(%q, %q) = %+v, %v; want none", other[0], other[1], l, err)
		}
	}
	phoneAt := -1
	for i, l := range list {
		s, info, err := sessions.SubjectSession(ctx, "idp", "u1", l.Handle)
		if err != nil || info.Handle != l.Handle || s.Try("cart") != "3 books" {
			t.Fatalf("SubjectSession(%d) = %+v, %v", i, info, err)
		}
		if s.ID() == phone.ID() {
			phoneAt = i
		}
	}
	if phoneAt < 0 {
		t.Fatal("no handle loads the phone's session")
	}
	if _, _, err := sessions.SubjectSession(ctx, "idp", "u1", "no-such-handle"); !errors.Is(err, application.ErrUnknownSession) {
		t.Errorf("SubjectSession of an unknown handle: %v", err)
	}
	if err := sessions.EndSubjectSession(ctx, "idp", "u1", "no-such-handle"); !errors.Is(err, application.ErrUnknownSession) {
		t.Errorf("EndSubjectSession of an unknown handle: %v", err)
	}
	if err := sessions.EndSubjectSession(ctx, "idp", "u1", list[phoneAt].Handle); err != nil {
		t.Fatal(err)
	}
	if _, err := mem.Load(ctx, phone.ID()); !errors.Is(err, domain.ErrSessionNotFound) {
		t.Errorf("the ended session loads: %v", err)
	}
	if _, err := mem.Load(ctx, laptop.ID()); err != nil {
		t.Errorf("the other session is gone: %v", err)
	}
	if l, _ := sessions.ListSubject(ctx, "idp", "u1"); len(l) != 1 || l[0].Handle != list[1-phoneAt].Handle {
		t.Errorf("after the end: %+v", l)
	}
}
