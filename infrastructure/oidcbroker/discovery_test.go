package oidcbroker_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/infrastructure/oidcbroker"
)

// A provider that is down is asked again only after DiscoveryRetry, two
// seconds unless configured: logins in between fail at once.
func TestDiscoveryFailureIsRemembered(t *testing.T) {
	var asked atomic.Int32
	down := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		asked.Add(1)
		http.Error(w, "down", http.StatusServiceUnavailable)
	}))
	t.Cleanup(down.Close)
	for _, retry := range []time.Duration{0, -time.Second, time.Hour} {
		asked.Store(0)
		b, err := oidcbroker.New(oidcbroker.Config{Broker: "b", Endpoint: down.URL, ClientID: "c",
			RedirectURL: "https://app.example/cb", DiscoveryRetry: retry})
		if err != nil {
			t.Fatal(err)
		}
		for range 3 {
			if _, err := b.AuthCodeURL(context.Background(), domain.AuthCodeRequest{State: "s"}); !errors.Is(err, domain.ErrProviderUnavailable) {
				t.Fatalf("retry %v: AuthCodeURL: %v, want ErrProviderUnavailable", retry, err)
			}
		}
		if n := asked.Load(); n != 1 {
			t.Errorf("retry %v: the provider was asked %d times by 3 logins within a second, want once", retry, n)
		}
	}
}
