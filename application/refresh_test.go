package application_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang/mock/gomock"

	"github.com/sessionauth/sessionauth/application"
	"github.com/sessionauth/sessionauth/domain"
)

func TestIdentityRefreshesWhenDue(t *testing.T) {
	transient := errors.New("connection refused")
	rejected := fmt.Errorf("%w: invalid_grant", domain.ErrRefreshRejected)
	tests := []struct {
		name        string
		expiresIn   time.Duration
		refreshErr  error // nil: refresh succeeds; not called when not due
		refreshes   int
		wantErr     []error
		wantToken   string
		wantLogged  bool
		wantLogouts int
	}{
		{name: "not due", expiresIn: time.Hour, wantToken: "access-u1", wantLogged: true},
		{name: "no expiry", expiresIn: 0, wantToken: "access-u1", wantLogged: true},
		{name: "due within leeway", expiresIn: 5 * time.Second, refreshes: 1, wantToken: "access-new", wantLogged: true},
		{name: "expired", expiresIn: -time.Minute, refreshes: 1, wantToken: "access-new", wantLogged: true},
		{name: "transient failure, token still valid", expiresIn: 5 * time.Second, refreshErr: transient, refreshes: 1, wantToken: "access-u1", wantLogged: true},
		{name: "transient failure, token expired", expiresIn: -time.Second, refreshErr: transient, refreshes: 1, wantErr: []error{transient}, wantLogged: true},
		{name: "refresh rejected", expiresIn: -time.Second, refreshErr: rejected, refreshes: 1,
			wantErr: []error{domain.ErrRefreshRejected, domain.ErrNotLoggedIn}, wantLogouts: 1},
		{name: "refresh rejected before expiry", expiresIn: 5 * time.Second, refreshErr: rejected, refreshes: 1,
			wantErr: []error{domain.ErrRefreshRejected, domain.ErrNotLoggedIn}, wantLogouts: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &logoutRecorder{}
			f := newFixture(t, application.Options{Subscribers: []application.LoginSubscriber{rec}})
			var expiry time.Time
			if tt.expiresIn != 0 {
				expiry = f.clock.Now().Add(tt.expiresIn)
			}
			s := f.loggedIn(t, "u1", expiry)
			f.broker.EXPECT().Refresh(gomock.Any(), gomock.Any()).Times(tt.refreshes).DoAndReturn(
				func(_ context.Context, id *domain.Identity) (*domain.Identity, error) {
					if tt.refreshErr != nil {
						return nil, tt.refreshErr
					}
					next := *id
					next.AccessToken, next.RefreshToken, next.Expiry = "access-new", "refresh-new", f.clock.Now().Add(time.Hour)
					return &next, nil
				})
			id, err := f.m.Identity(context.Background(), s)
			for _, want := range tt.wantErr {
				if !errors.Is(err, want) {
					t.Fatalf("err = %v, want %v", err, want)
				}
			}
			if tt.wantErr == nil && (err != nil || id.AccessToken != tt.wantToken) {
				t.Fatalf("Identity = %+v, %v; want token %q", id, err, tt.wantToken)
			}
			if got := (&application.UserService{}).IsLoggedIn(context.Background(), s); got != tt.wantLogged {
				t.Fatalf("IsLoggedIn = %v, want %v", got, tt.wantLogged)
			}
			if len(rec.logouts) != tt.wantLogouts {
				t.Fatalf("logout events %v", rec.logouts)
			}
			if tt.wantToken == "access-new" {
				if stored, _ := f.m.Identity(context.Background(), s); stored.RefreshToken != "refresh-new" {
					t.Fatalf("refreshed tokens not written back: %+v", stored)
				}
			}
		})
	}
}

func TestHTTPClientCollapsesConcurrentRefreshes(t *testing.T) {
	var mu sync.Mutex
	seen := map[string]int{}
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen[r.Header.Get("Authorization")]++
		mu.Unlock()
	}))
	defer api.Close()
	f := newFixture(t, application.Options{})
	s := f.loggedIn(t, "u1", f.clock.Now().Add(-time.Second))
	stale := storedSession() // another request's copy of the session, loaded before the refresh
	stale.Store("sessionauth.identity", *identityFor("u1", f.clock.Now().Add(-time.Second)))
	var refreshes atomic.Int32
	f.broker.EXPECT().Refresh(gomock.Any(), gomock.Any()).AnyTimes().DoAndReturn(
		func(_ context.Context, id *domain.Identity) (*domain.Identity, error) {
			refreshes.Add(1)
			time.Sleep(50 * time.Millisecond) // let the other requests pile up
			next := *id
			next.AccessToken, next.RefreshToken, next.Expiry = "access-new", "refresh-new", f.clock.Now().Add(time.Hour)
			return &next, nil
		})
	var wg sync.WaitGroup
	errs := make(chan error, 21)
	for i := range 21 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sess := s
			if i == 20 {
				sess = stale
			}
			client, err := f.m.HTTPClient(context.Background(), sess)
			if err == nil {
				var resp *http.Response
				if resp, err = client.Get(api.URL); err == nil {
					resp.Body.Close()
				}
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := refreshes.Load(); n != 1 {
		t.Fatalf("%d refreshes reached the broker, want 1", n)
	}
	if len(seen) != 1 || seen["Bearer access-new"] != 21 {
		t.Fatalf("Authorization headers seen: %v", seen)
	}
}

func TestHTTPClientNeedsLogin(t *testing.T) {
	f := newFixture(t, application.Options{})
	if _, err := f.m.HTTPClient(context.Background(), domain.NewSession()); !errors.Is(err, domain.ErrNotLoggedIn) {
		t.Fatalf("err = %v", err)
	}
	if _, err := f.m.IDToken(context.Background(), domain.NewSession()); !errors.Is(err, domain.ErrNotLoggedIn) {
		t.Fatalf("err = %v", err)
	}
}

func TestIDToken(t *testing.T) {
	f := newFixture(t, application.Options{})
	s := f.loggedIn(t, "u1", time.Time{})
	tok, err := f.m.IDToken(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	var claims struct {
		Sub string `json:"sub"`
	}
	if err := tok.Claims(&claims); err != nil || claims.Sub != "u1" || tok.Raw != "raw-id-token" {
		t.Fatalf("IDToken = %+v, claims %+v, %v", tok, claims, err)
	}
}
