package application

import (
	"errors"
	"testing"

	"github.com/sessionauth/sessionauth/domain"
)

func TestCheckFrontChannel(t *testing.T) {
	const issuer = "https://login.example"
	required, optional := domain.FrontChannel{Issuer: issuer, SessionRequired: true}, domain.FrontChannel{Issuer: issuer}
	tests := []struct {
		name     string
		fc       domain.FrontChannel
		iss, sid string
		want     error
	}{
		{"required, both", required, issuer, "s", nil},
		{"required, no iss", required, "", "s", domain.ErrInvalidFrontChannelRequest},
		{"required, no sid", required, issuer, "", domain.ErrInvalidFrontChannelRequest},
		{"required, neither", required, "", "", domain.ErrInvalidFrontChannelRequest},
		{"required, another issuer", required, "https://evil.example", "s", domain.ErrIssuerMismatch},
		{"optional, neither", optional, "", "", nil},
		{"optional, both", optional, issuer, "s", nil},
		{"optional, iss alone", optional, issuer, "", nil},
		{"optional, sid without iss", optional, "", "s", domain.ErrInvalidFrontChannelRequest},
		{"optional, another issuer", optional, "https://evil.example", "", domain.ErrIssuerMismatch},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := checkFrontChannel(tc.fc, tc.iss, tc.sid)
			if tc.want == nil && err != nil || tc.want != nil && !errors.Is(err, tc.want) {
				t.Fatalf("checkFrontChannel(%q, %q) = %v; want %v", tc.iss, tc.sid, err, tc.want)
			}
		})
	}
}
