package main

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"
)

// hiddenClaims are the protocol's own claims, of no interest to the user
// and, for the nonce and the hashes, not to be shown.
var hiddenClaims = map[string]bool{"nonce": true, "at_hash": true, "c_hash": true, "s_hash": true, "sid": true, "jti": true}

// claimTitles name the registered claims in words.
var claimTitles = map[string]string{
	"sub": "Subject", "iss": "Issuer", "aud": "Audience", "azp": "Authorized party", "exp": "Expires", "iat": "Issued",
	"auth_time": "Logged in", "name": "Name", "email": "Email", "email_verified": "Email verified", "groups": "Groups",
	"preferred_username": "Username", "given_name": "First name", "family_name": "Last name", "locale": "Locale",
}

// timeClaims are seconds since 1970.
var timeClaims = map[string]bool{"exp": true, "iat": true, "auth_time": true, "nbf": true, "updated_at": true}

// claimRows turns ID token claims into a readable table: titles for the
// registered claims, dates for times, lists joined; the protocol's nonce
// and hashes left out.
func claimRows(claims map[string]any) []entry {
	keys := make([]string, 0, len(claims))
	for k, v := range claims {
		if !hiddenClaims[k] && v != "" && v != nil {
			keys = append(keys, k)
		}
	}
	sort.Slice(keys, func(i, j int) bool { return claimOrder(keys[i]) < claimOrder(keys[j]) })
	rows := make([]entry, 0, len(keys))
	for _, k := range keys {
		title := claimTitles[k]
		if title == "" {
			title = k
		}
		rows = append(rows, entry{title, claimValue(k, claims[k])})
	}
	return rows
}

// claimOrder puts the user's claims first, in the order of claimsFirst,
// then the others by name.
func claimOrder(k string) string {
	for i, first := range claimsFirst {
		if k == first {
			return fmt.Sprintf("0%02d", i)
		}
	}
	return "1" + k
}

// claimsFirst is the order of the claims about the user.
var claimsFirst = []string{"name", "email", "email_verified", "preferred_username", "given_name", "family_name", "groups", "locale", "sub"}

func claimValue(k string, v any) string {
	switch x := v.(type) {
	case float64:
		if timeClaims[k] {
			return time.Unix(int64(x), 0).UTC().Format("2 Jan 2006 15:04:05 UTC")
		}
		return fmt.Sprint(x)
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = fmt.Sprint(e)
		}
		return strings.Join(parts, ", ")
	case string:
		return x
	case bool:
		if x {
			return "yes"
		}
		return "no"
	}
	b, _ := json.Marshal(v)
	return string(b)
}
