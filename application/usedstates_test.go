package application_test

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/golang/mock/gomock"

	"github.com/sessionauth/sessionauth/application"
	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/mocks"
)

// stateFlood is an AuthManager whose broker accepts everything, and whose
// clock an attacker's login+callback pairs advance.
type stateFlood struct {
	clock *clock
	m     *application.AuthManager
}

func newStateFlood(tb testing.TB, opts application.Options) *stateFlood {
	ctrl := gomock.NewController(tb)
	broker := mocks.NewMockIdentityProvider(ctrl)
	broker.EXPECT().AuthCodeURL(gomock.Any(), gomock.Any()).Return("https://idp.example/authorize", nil).AnyTimes()
	broker.EXPECT().CheckIssuer(gomock.Any(), gomock.Any()).Return(nil).AnyTimes()
	f := &stateFlood{clock: newClock()}
	opts.Clock = f.clock.Now
	f.m = application.NewAuthManager(map[string]domain.IdentityProvider{"idp": broker}, opts)
	return f
}

// pair is one anonymous login start and a callback with its state but no
// code: the state is used up, the callback fails.
func (f *stateFlood) pair(tb testing.TB) {
	s := domain.NewSession()
	if _, err := f.m.LoginStart(context.Background(), s, "idp", "/"); err != nil {
		tb.Fatal(err)
	}
	state := pendingState(s)
	_, err := f.m.Callback(context.Background(), s, "idp", url.Values{"state": {state}})
	if err == nil || errors.Is(err, domain.ErrInvalidState) {
		tb.Fatalf("callback without code = %v; want the missing code refused, the state accepted", err)
	}
}

// BenchmarkCallbackState measures one login start and callback while the
// manager remembers about n used states: the clock advances by the state
// lifetime / n per pair, so that n pairs fall within one lifetime.
func BenchmarkCallbackState(b *testing.B) {
	for _, n := range []int{20, 20_000} {
		b.Run(fmt.Sprintf("entries=%d", n), func(b *testing.B) {
			f := newStateFlood(b, application.Options{MaxUsedStates: 10 * n})
			step := application.DefaultStateLifetime / time.Duration(n)
			for range n {
				f.pair(b)
				f.clock.Advance(step)
			}
			b.ResetTimer()
			for range b.N {
				f.pair(b)
				f.clock.Advance(step)
			}
		})
	}
}

// TestUsedStatesBounded: a flood of login+callback pairs within one state
// lifetime leaves the manager remembering at most MaxUsedStates states,
// and a state used once is still refused a second time.
func TestUsedStatesBounded(t *testing.T) {
	f := newStateFlood(t, application.Options{})
	const pairs = application.DefaultMaxUsedStates + 500
	for range pairs {
		f.pair(t)
	}
	if n := application.UsedStates(f.m); n > application.DefaultMaxUsedStates {
		t.Fatalf("after %d login+callback pairs the manager remembers %d used states; want at most %d", pairs, n, application.DefaultMaxUsedStates)
	}
	f.clock.Advance(application.DefaultStateLifetime + time.Second)
	f.pair(t)
	if n := application.UsedStates(f.m); n != 1 {
		t.Fatalf("one state lifetime later the manager remembers %d used states; want 1", n)
	}
}

// TestStaleCopyCannotReuseState: a second callback with a state, from a
// copy of the session loaded before the first callback removed it, is
// refused.
func TestStaleCopyCannotReuseState(t *testing.T) {
	f := newStateFlood(t, application.Options{})
	s := domain.NewSession()
	if _, err := f.m.LoginStart(context.Background(), s, "idp", "/"); err != nil {
		t.Fatal(err)
	}
	c, err := s.Changes(0)
	if err != nil {
		t.Fatal(err)
	}
	stale := domain.RestoreSession(c.ID, c.All, time.Now().Add(time.Hour))
	state := pendingState(s)
	q := url.Values{"state": {state}}
	if _, err := f.m.Callback(context.Background(), s, "idp", q); errors.Is(err, domain.ErrInvalidState) {
		t.Fatalf("first callback: %v; want the state accepted", err)
	}
	if _, err := f.m.Callback(context.Background(), stale, "idp", q); !errors.Is(err, domain.ErrInvalidState) {
		t.Fatalf("second callback from a stale copy: %v; want ErrInvalidState", err)
	}
}

// pendingState returns the state of a login pending in s.
func pendingState(s *domain.Session) string {
	for _, k := range s.Keys() {
		if state, ok := strings.CutPrefix(k, domain.PendingLoginPrefix); ok {
			return state
		}
	}
	return ""
}
