package domain_test

import (
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/sessionauth/sessionauth/domain"
)

func TestAuthValuesSurviveTheSessionEncoding(t *testing.T) {
	exp := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	id := domain.Identity{
		Broker: "b", Subject: "s", AccessToken: "at", TokenType: "Bearer", RefreshToken: "rt", Expiry: exp,
		IDToken: domain.IDToken{Subject: "s", Issuer: "https://idp", Audience: []string{"c"}, Expiry: exp, IssuedAt: exp,
			Nonce: "n", Raw: "x.y.z", Payload: []byte(`{"sub":"s"}`)},
		User: domain.User{Sub: "s", Name: "N", Groups: []string{"g"}, CustomFields: map[string]string{"k": "v"}, Type: domain.UserTypeUser},
	}
	tests := []any{id, id.User, id.IDToken}
	for _, v := range tests {
		t.Run(fmt.Sprintf("%T", v), func(t *testing.T) {
			b, err := domain.EncodeValue(v)
			if err != nil {
				t.Fatal(err)
			}
			got, err := domain.DecodeValue(b)
			if err != nil || !reflect.DeepEqual(got, v) {
				t.Fatalf("decoded %#v, %v; want %#v", got, err, v)
			}
		})
	}
}

func TestProviderError(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{&domain.ProviderError{Code: "access_denied"}, `identity provider error "access_denied"`},
		{&domain.ProviderError{Code: "invalid_grant", Description: "used"}, `identity provider error "invalid_grant": used`},
	}
	for _, tt := range tests {
		wrapped := fmt.Errorf("callback: %w", tt.err)
		var pe *domain.ProviderError
		if !errors.Is(wrapped, domain.ErrProviderError) || !errors.As(wrapped, &pe) || pe != tt.err {
			t.Errorf("%v does not match ErrProviderError", wrapped)
		}
		if tt.err.Error() != tt.want {
			t.Errorf("Error() = %q, want %q", tt.err.Error(), tt.want)
		}
		if errors.Is(tt.err, domain.ErrInvalidState) {
			t.Errorf("%v matches an unrelated sentinel", tt.err)
		}
	}
}

func TestIDTokenClaims(t *testing.T) {
	tests := []struct {
		payload string
		wantErr bool
		wantSub string
	}{
		{payload: `{"sub":"u1","email":"a@b"}`, wantSub: "u1"},
		{payload: ``, wantErr: true},
		{payload: `not json`, wantErr: true},
	}
	for _, tt := range tests {
		tok := domain.IDToken{Payload: []byte(tt.payload)}
		var c struct {
			Sub string `json:"sub"`
		}
		err := tok.Claims(&c)
		if (err != nil) != tt.wantErr || c.Sub != tt.wantSub {
			t.Errorf("Claims(%q) = %v, sub %q", tt.payload, err, c.Sub)
		}
	}
}

func TestGuest(t *testing.T) {
	a, b := domain.Guest(), domain.Guest()
	if a.Type != domain.UserTypeGuest || a.Sub != "" || a == b {
		t.Fatalf("Guest() = %+v (must be a fresh guest each time)", a)
	}
}
