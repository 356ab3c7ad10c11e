package oidcbroker

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/sessionauth/sessionauth/domain"
)

// User maps the claims of a verified ID token and, when not nil, of the
// userinfo response to a logged-in user. Userinfo claims win over ID token
// claims; the subject always comes from the ID token.
func (m ClaimMapping) User(token *domain.IDToken, userInfo map[string]any) domain.User {
	u := domain.User{Sub: token.Subject, Type: domain.UserTypeUser}
	claims := map[string]any{}
	_ = token.Claims(&claims) // a verified token always has a JSON object
	apply(&u, m.IDTokenFields(), claims)
	apply(&u, fields(m.UserInfo), userInfo)
	u.Sub = token.Subject
	return u
}

// IDTokenFields is the mapping applied to the ID token's claims:
// DefaultIDTokenMapping, with each field that IDToken names mapped to the
// claim IDToken gives instead (an empty claim name maps the field to
// nothing). Field names of User are case-insensitive.
func (m ClaimMapping) IDTokenFields() map[string]string {
	out := fields(DefaultIDTokenMapping)
	for field, claim := range fields(m.IDToken) {
		out[field] = claim
	}
	for field, claim := range out {
		if claim == "" {
			delete(out, field)
		}
	}
	return out
}

// fields copies mapping with the names of User's own fields in lower case,
// so that "firstName" and "firstname" are one field.
func fields(mapping map[string]string) map[string]string {
	out := make(map[string]string, len(mapping))
	for field, claim := range mapping {
		if lower := strings.ToLower(field); slices.Contains(userFields, lower) {
			field = lower
		}
		out[field] = claim
	}
	return out
}

// profileFields are the fields of the ID token's mapping that a provider
// may put at the userinfo endpoint only.
var profileFields = []string{"name", "email", "firstname", "lastname"}

// missingProfile is the part of the ID token's mapping whose profile
// fields u has left empty: field to claim name, for apply to fill from
// the userinfo claims.
func (m ClaimMapping) missingProfile(u domain.User) map[string]string {
	mapped := m.IDTokenFields()
	missing := map[string]string{}
	for _, field := range profileFields {
		if claim, ok := mapped[field]; ok && profileField(u, field) == "" {
			missing[field] = claim
		}
	}
	return missing
}

func profileField(u domain.User, field string) string {
	switch field {
	case "name":
		return u.Name
	case "email":
		return u.Email
	case "firstname":
		return u.FirstName
	}
	return u.LastName
}

// userFields are the fields of domain.User a mapping can name; any other
// name fills User.CustomFields.
var userFields = []string{"sub", "name", "email", "firstname", "lastname", "groups"}

// apply sets the fields named in mapping from claims that are present.
func apply(u *domain.User, mapping map[string]string, claims map[string]any) {
	for field, claim := range mapping {
		v, ok := claims[claim]
		if !ok || v == nil || claim == "" {
			continue
		}
		switch field {
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
