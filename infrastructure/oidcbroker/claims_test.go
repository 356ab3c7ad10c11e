package oidcbroker_test

import (
	"reflect"
	"testing"

	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/infrastructure/oidcbroker"
)

// standardClaims is an ID token as providers issue it with the profile and
// email scopes.
const standardClaims = `{"sub":"u-1","name":"Alice Example","email":"alice@example.test",` +
	`"given_name":"Alice","family_name":"Example","groups":["admins"],"tenant":"t1"}`

func TestClaimMappingUser(t *testing.T) {
	token := &domain.IDToken{Subject: "u-1", Payload: []byte(standardClaims)}
	alice := domain.User{Sub: "u-1", Type: domain.UserTypeUser, Name: "Alice Example", Email: "alice@example.test",
		FirstName: "Alice", LastName: "Example"}
	for _, tc := range []struct {
		name     string
		mapping  oidcbroker.ClaimMapping
		userInfo map[string]any
		want     domain.User
	}{
		{"no mapping: the standard claims", oidcbroker.ClaimMapping{}, nil, alice},
		{"empty mapping: the standard claims", oidcbroker.ClaimMapping{IDToken: map[string]string{}}, nil, alice},
		{"a field mapped replaces only that field", oidcbroker.ClaimMapping{IDToken: map[string]string{"name": "given_name"}}, nil,
			with(alice, func(u *domain.User) { u.Name = "Alice" })},
		{"field names in any case are one field", oidcbroker.ClaimMapping{IDToken: map[string]string{"firstName": "name", "GROUPS": "groups"}}, nil,
			with(alice, func(u *domain.User) { u.FirstName, u.Groups = "Alice Example", []string{"admins"} })},
		{"an empty claim name maps a field to nothing", oidcbroker.ClaimMapping{IDToken: map[string]string{"email": ""}}, nil,
			with(alice, func(u *domain.User) { u.Email = "" })},
		{"other fields are custom fields", oidcbroker.ClaimMapping{IDToken: map[string]string{"tenant": "tenant"}}, nil,
			with(alice, func(u *domain.User) { u.CustomFields = map[string]string{"tenant": "t1"} })},
		{"userinfo wins over the ID token", oidcbroker.ClaimMapping{UserInfo: map[string]string{"name": "name"}},
			map[string]any{"name": "Alice from userinfo"}, with(alice, func(u *domain.User) { u.Name = "Alice from userinfo" })},
		{"the subject always comes from the ID token", oidcbroker.ClaimMapping{IDToken: map[string]string{"sub": "email"},
			UserInfo: map[string]string{"sub": "sub"}}, map[string]any{"sub": "other"}, alice},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.mapping.User(token, tc.userInfo); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("User =\n%+v\nwant\n%+v", got, tc.want)
			}
		})
	}
}

func TestIDTokenFieldsStartFromTheDefault(t *testing.T) {
	got := oidcbroker.ClaimMapping{IDToken: map[string]string{"Name": "nickname", "lastname": ""}}.IDTokenFields()
	want := map[string]string{"sub": "sub", "name": "nickname", "email": "email", "firstname": "given_name"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("IDTokenFields = %v, want %v", got, want)
	}
}

func with(u domain.User, change func(*domain.User)) domain.User {
	change(&u)
	return u
}
