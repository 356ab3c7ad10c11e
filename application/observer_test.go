package application_test

import (
	"context"
	"errors"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/golang/mock/gomock"

	"github.com/sessionauth/sessionauth/application"
	"github.com/sessionauth/sessionauth/domain"
)

// recordingObserver keeps what it is told.
type recordingObserver struct {
	mu     sync.Mutex
	events []observed
}

type observed struct {
	op      application.Operation
	broker  string
	outcome application.Outcome
}

func (o *recordingObserver) Begin(ctx context.Context, op application.Operation, broker string) (context.Context, func(application.Outcome)) {
	return ctx, func(out application.Outcome) {
		o.mu.Lock()
		defer o.mu.Unlock()
		o.events = append(o.events, observed{op, broker, out})
	}
}

func (o *recordingObserver) of(op application.Operation) []observed {
	o.mu.Lock()
	defer o.mu.Unlock()
	var out []observed
	for _, e := range o.events {
		if e.op == op {
			out = append(out, e)
		}
	}
	return out
}

func TestObserverSeesEveryUseCase(t *testing.T) {
	obs := new(recordingObserver)
	f := newFixture(t, application.Options{Observer: obs})
	s := f.loggedIn(t, "u1", f.clock.Now().Add(-time.Second))
	_, _ = f.m.Callback(context.Background(), storedSession(), "idp", url.Values{"state": {"forged"}})
	_, _ = f.m.LoginStart(context.Background(), storedSession(), "no-such-broker", "/")

	f.broker.EXPECT().Refresh(gomock.Any(), gomock.Any()).Times(1).DoAndReturn(
		func(_ context.Context, id *domain.Identity) (*domain.Identity, error) {
			next := *id
			next.AccessToken, next.RefreshToken, next.Expiry = "access-new", "refresh-new", f.clock.Now().Add(time.Hour)
			return &next, nil
		})
	var wg sync.WaitGroup
	for range 5 {
		copyOf := storedSession()
		copyOf.Store("sessionauth.identity", s.Try("sessionauth.identity"))
		wg.Add(1)
		go func() { defer wg.Done(); _, _ = f.m.RefreshIdentity(context.Background(), copyOf) }()
	}
	wg.Wait()
	f.broker.EXPECT().EndSessionURL(gomock.Any(), gomock.Any(), gomock.Any()).Return("", false)
	f.m.Logout(context.Background(), s, "", "/")

	if got := obs.of(application.OpLoginStart); len(got) != 2 || got[0].broker != "idp" || got[0].outcome.Err != nil ||
		got[1].broker != "" || !errors.Is(got[1].outcome.Err, domain.ErrUnknownBroker) {
		t.Errorf("login starts observed: %+v; want idp ok, then an unknown broker shown as empty", got)
	}
	if got := obs.of(application.OpCallback); len(got) != 2 || got[0].outcome.Err != nil || !errors.Is(got[1].outcome.Err, domain.ErrInvalidState) {
		t.Errorf("callbacks observed: %+v; want one ok and one invalid state", got)
	}
	joined := 0
	for _, e := range obs.of(application.OpRefresh) {
		if e.outcome.Err != nil {
			t.Errorf("refresh failed: %v", e.outcome.Err)
		}
		if e.outcome.Joined {
			joined++
		}
	}
	if n := len(obs.of(application.OpRefresh)); n != 5 || joined != 4 {
		t.Errorf("%d refreshes observed, %d joined; want 5, of which 4 joined the one provider call", n, joined)
	}
	f.m.Logout(context.Background(), storedSession(), "", "/")
	if got := obs.of(application.OpLogout); len(got) != 2 || got[0].broker != "idp" || got[0].outcome.Sessions != 1 || got[1].outcome.Sessions != 0 {
		t.Errorf("logouts observed: %+v; want idp ending 1 logged-in session, then one of a session nobody logged in to", got)
	}
}
