package domain

import (
	"encoding/json"
	"errors"
	"time"
)

// UserType tells a logged-in user from a guest.
type UserType string

const (
	// UserTypeGuest is the user of a session nobody logged in to.
	UserTypeGuest UserType = "guest"
	// UserTypeUser is a user who logged in.
	UserTypeUser UserType = "user"
)

// User is the person behind a session, mapped from ID token and userinfo
// claims by the broker's claim mapping.
type User struct {
	Sub          string
	Name         string
	Email        string
	FirstName    string
	LastName     string
	Groups       []string
	CustomFields map[string]string
	Type         UserType
}

// Guest returns the user of a session nobody logged in to.
func Guest() *User {
	return &User{Type: UserTypeGuest}
}

// IDToken is a verified OpenID Connect ID token.
type IDToken struct {
	Subject  string
	Issuer   string
	Audience []string
	Expiry   time.Time
	IssuedAt time.Time
	Nonce    string
	// Raw is the compact JWS as the provider sent it, for id_token_hint.
	Raw string
	// Payload is the token's JSON claims set; Claims decodes it.
	Payload []byte
}

// errNoClaims is returned by Claims for a token without payload.
var errNoClaims = errors.New("ID token has no claims")

// Claims decodes the token's claims set into v, as json.Unmarshal does.
func (t *IDToken) Claims(v any) error {
	if len(t.Payload) == 0 {
		return errNoClaims
	}
	return json.Unmarshal(t.Payload, v)
}
