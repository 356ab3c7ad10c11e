package config

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// brokerFields are the fields every broker entry has.
var brokerFields = []string{"broker", "typ", "redirectURL", "stateLifeTime"}

// Only records a problem for every field of the entry not in known: the
// fields every broker has are known too, except in an entry of a broker's
// list (Entries), such as a fake broker's user, which has only known. The
// message lists the known fields and names the nearest one, and does not
// show the value, which could be a secret under any name.
func (b Broker) Only(known ...string) {
	if b.of == "" {
		known = append(known, brokerFields...)
	}
	known = slices.Sorted(slices.Values(known))
	what := "a broker of typ " + b.Type
	if b.of != "" {
		what = "an entry of " + b.of + " of a broker of typ " + b.Type
	}
	for _, k := range slices.Sorted(maps.Keys(b.entry)) {
		if slices.Contains(known, k) {
			continue
		}
		msg := fmt.Sprintf("no such key for %s; write one of %s", what, strings.Join(known, ", "))
		near := nearestField(k, known)
		if near != "" {
			msg = fmt.Sprintf("no such key for %s; did you mean %s? (the keys are %s)", what, near, strings.Join(known, ", "))
		}
		// An unknown field's value is not shown: its name cannot tell
		// whether it holds a secret (pwd, token, hmac, …).
		b.ps.AddPlain(b.Key+"."+k, msg)
	}
}

// Required reads a string field that must be set: an absent or empty one
// is recorded as empty, with fix, what to write.
func (b Broker) Required(field, fix string) string {
	s := b.String(field)
	if v := b.entry[field]; v == nil || v == "" {
		b.ps.Add(b.Key+"."+field, v, "is empty; "+fix)
	}
	return s
}

// nearestField is the field of known that key is most likely a misspelling
// of, or "".
func nearestField(key string, known []string) string {
	best, bestDist := "", len(key)/3+2
	for _, k := range known {
		if d := distance(strings.ToLower(key), strings.ToLower(k)); d < bestDist {
			best, bestDist = k, d
		}
	}
	return best
}
