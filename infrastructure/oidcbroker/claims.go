package oidcbroker

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/sessionauth/sessionauth/domain"
)

// User maps the claims of a verified ID token and, when not nil, of the
// userinfo response to a logged-in user. Userinfo claims win over ID token
// claims; the subject always comes from the ID token.
func (m ClaimMapping) User(token *domain.IDToken, userInfo map[string]any) domain.User {
	u := domain.User{Sub: token.Subject, Type: domain.UserTypeUser}
	idMapping := m.IDToken
	if idMapping == nil {
		idMapping = DefaultIDTokenMapping
	}
	claims := map[string]any{}
	_ = token.Claims(&claims) // a verified token always has a JSON object
	apply(&u, idMapping, claims)
	apply(&u, m.UserInfo, userInfo)
	u.Sub = token.Subject
	return u
}

// apply sets the fields named in mapping from claims that are present.
func apply(u *domain.User, mapping map[string]string, claims map[string]any) {
	for field, claim := range mapping {
		v, ok := claims[claim]
		if !ok || v == nil {
			continue
		}
		switch strings.ToLower(field) {
		case "sub":
			u.Sub = claimString(v)
		case "name":
			u.Name = claimString(v)
		case "email":
			u.Email = claimString(v)
		case "firstname":
			u.FirstName = claimString(v)
		case "lastname":
			u.LastName = claimString(v)
		case "groups":
			u.Groups = claimStrings(v)
		default:
			if u.CustomFields == nil {
				u.CustomFields = map[string]string{}
			}
			u.CustomFields[field] = claimString(v)
		}
	}
}

// claimString renders a claim value as a string; objects and arrays as JSON.
func claimString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64, bool:
		return fmt.Sprint(x)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// claimStrings accepts a list of values or a single string.
func claimStrings(v any) []string {
	list, ok := v.([]any)
	if !ok {
		return []string{claimString(v)}
	}
	out := make([]string, 0, len(list))
	for _, item := range list {
		out = append(out, claimString(item))
	}
	return out
}
