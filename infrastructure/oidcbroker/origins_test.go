package oidcbroker_test

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/sessionauth/sessionauth/infrastructure/oidcbroker"
	"github.com/sessionauth/sessionauth/internal/oidctest"
)

// TestFrontChannelLogoutOrigins: the configured origins come with the
// broker's front-channel settings; New refuses anything that is not an
// http or https origin, or that has a path, query, fragment or user, or
// characters that would end a Content-Security-Policy source list.
func TestFrontChannelLogoutOrigins(t *testing.T) {
	r := oidctest.StartRogue(t, "rp")
	origins := []string{"https://login.microsoftonline.com", "http://[::1]:8080"}
	b := rogueBroker(t, r, func(c *oidcbroker.Config) { c.FrontChannelLogout, c.FrontChannelLogoutOrigins = true, origins })
	fc, err := b.FrontChannel(context.Background())
	if err != nil || !reflect.DeepEqual(fc.FrameAncestors, origins) || fc.Issuer != r.Issuer {
		t.Fatalf("FrontChannel = %+v, %v; want the configured origins", fc, err)
	}
	for raw, want := range map[string]string{
		"https://login.example/":           "has more than scheme, host and port; write https://login.example",
		"https://login.example/path":       "has more than scheme, host and port; write https://login.example",
		"https://login.example#":           "has more than scheme, host and port",
		"https://user@login.example":       "has more than scheme, host and port",
		"javascript:alert(1)":              "is not an http or https origin",
		"login.example":                    "is not an http or https origin",
		"https://a.example;script-src":     "has a host with characters no origin has",
		"https://a.example'unsafe-inline'": "",
	} {
		_, err := oidcbroker.New(oidcbroker.Config{Broker: "b", Endpoint: "https://login.example", ClientID: "rp",
			FrontChannelLogout: true, FrontChannelLogoutOrigins: []string{raw}})
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "front-channel logout origin") {
			t.Errorf("%q: %v; want an error containing %q", raw, err, want)
		}
	}
}
