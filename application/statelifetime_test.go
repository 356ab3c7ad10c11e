package application_test

import (
	"context"
	"errors"
	"net/url"
	"testing"
	"time"

	"github.com/golang/mock/gomock"

	"github.com/sessionauth/sessionauth/application"
	"github.com/sessionauth/sessionauth/domain"
)

func TestBrokerStateLifetime(t *testing.T) {
	tests := []struct {
		name    string
		opts    application.Options
		advance time.Duration
		expired bool
	}{
		{"default 30m, within", application.Options{}, 29 * time.Minute, false},
		{"default 30m, past", application.Options{}, 31 * time.Minute, true},
		{"broker override shorter", application.Options{BrokerStateLifetimes: map[string]time.Duration{"idp": 5 * time.Minute}}, 6 * time.Minute, true},
		{"broker override longer", application.Options{BrokerStateLifetimes: map[string]time.Duration{"idp": time.Hour}}, 50 * time.Minute, false},
		{"other broker's override ignored", application.Options{BrokerStateLifetimes: map[string]time.Duration{"x": time.Minute}}, 10 * time.Minute, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, tc.opts)
			s := storedSession()
			req := f.start(t, s, "/")
			f.clock.Advance(tc.advance)
			if !tc.expired {
				expectIssuerOK(f, req)
				f.broker.EXPECT().Exchange(gomock.Any(), "c", req.PKCEVerifier, req.Nonce).Return(nil, domain.ErrNonceMismatch)
			}
			_, err := f.m.Callback(context.Background(), s, "idp", url.Values{"state": {req.State}, "code": {"c"}})
			if got := errors.Is(err, domain.ErrInvalidState); got != tc.expired {
				t.Fatalf("after %v: err = %v, want expired = %v", tc.advance, err, tc.expired)
			}
		})
	}
}
