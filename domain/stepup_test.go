package domain_test

import (
	"bytes"
	"encoding/gob"
	"errors"
	"testing"
	"time"

	"github.com/sessionauth/sessionauth/domain"
)

func TestAuthRequirementCheck(t *testing.T) {
	now := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	minute := domain.AuthRequirement{MaxAge: time.Minute}
	gold := domain.AuthRequirement{ACRValues: []string{"gold", "platinum"}}
	tests := []struct {
		name string
		q    domain.AuthRequirement
		id   domain.Identity
		ok   bool
	}{
		{"nothing asked", domain.AuthRequirement{}, domain.Identity{}, true},
		{"recent", minute, domain.Identity{AuthTime: now.Add(-time.Minute)}, true},
		{"within the leeway", minute, domain.Identity{AuthTime: now.Add(-time.Minute - domain.AuthTimeLeeway)}, true},
		{"too old", minute, domain.Identity{AuthTime: now.Add(-time.Minute - domain.AuthTimeLeeway - time.Second)}, false},
		{"no auth_time", minute, domain.Identity{}, false},
		{"in the future (the provider's clock ahead)", minute, domain.Identity{AuthTime: now.Add(time.Minute)}, true},
		{"acr listed", gold, domain.Identity{ACR: "platinum"}, true},
		{"acr not listed", gold, domain.Identity{ACR: "silver"}, false},
		{"no acr", gold, domain.Identity{}, false},
		{"both, acr weak", domain.AuthRequirement{MaxAge: time.Minute, ACRValues: []string{"gold"}}, domain.Identity{AuthTime: now, ACR: "silver"}, false},
		{"both met", domain.AuthRequirement{MaxAge: time.Minute, ACRValues: []string{"gold"}}, domain.Identity{AuthTime: now, ACR: "gold"}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.q.Check(&tc.id, now)
			if (err == nil) != tc.ok || (err != nil && !errors.Is(err, domain.ErrInsufficientAuthentication)) {
				t.Fatalf("Check = %v; want ok %v (errors wrap ErrInsufficientAuthentication)", err, tc.ok)
			}
		})
	}
}

func TestAuthRequirementParams(t *testing.T) {
	q := domain.AuthRequirement{MaxAge: 90*time.Second + time.Millisecond, ACRValues: []string{"gold", "platinum"}}
	if got := q.Params().Encode(); got != "acr_values=gold+platinum&max_age=91" {
		t.Fatalf("Params = %s; want max_age rounded up and acr_values space-separated", got)
	}
	if got := (domain.AuthRequirement{}).Params(); len(got) != 0 || !(domain.AuthRequirement{}).IsZero() {
		t.Fatalf("zero requirement: params %v", got)
	}
}

// TestIdentityKeepsAuthentication: auth_time and acr of the login are
// stored with the identity, so a page's check works after a restart.
func TestIdentityKeepsAuthentication(t *testing.T) {
	at := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	var buf bytes.Buffer
	var in any = domain.Identity{Subject: "u", AuthTime: at, ACR: "gold"}
	if err := gob.NewEncoder(&buf).Encode(&in); err != nil {
		t.Fatal(err)
	}
	var out any
	if err := gob.NewDecoder(&buf).Decode(&out); err != nil {
		t.Fatal(err)
	}
	id := out.(domain.Identity)
	if !id.AuthTime.Equal(at) || id.ACR != "gold" {
		t.Fatalf("decoded identity has auth time %v and acr %q", id.AuthTime, id.ACR)
	}
}
