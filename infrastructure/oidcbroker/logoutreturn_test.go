package oidcbroker

import (
	"testing"

	"github.com/sessionauth/sessionauth/domain"
)

func TestChooseReturn(t *testing.T) {
	req := domain.EndSessionRequest{StateReturnURL: "https://shop.example/auth/loggedout", PostLogoutRedirect: "https://shop.example/"}
	tests := []struct {
		name       string
		registered []string
		want       string
	}{
		{"none registered: the post-logout redirect", nil, req.PostLogoutRedirect},
		{"the return registered", []string{req.StateReturnURL, req.PostLogoutRedirect}, req.StateReturnURL},
		{"only the post-logout redirect registered", []string{req.PostLogoutRedirect}, req.PostLogoutRedirect},
		{"neither registered", []string{"https://elsewhere.example/"}, ""},
		{"a prefix is not a match", []string{"https://shop.example"}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := chooseReturn(tc.registered, req); got != tc.want {
				t.Fatalf("chooseReturn(%v) = %q; want %q", tc.registered, got, tc.want)
			}
		})
	}
}
