// Package leaktest finds fragments of secrets in what people read: errors,
// log lines, span and metric attributes. Tests of several packages use it.
package leaktest

import (
	"math/rand/v2"
	"net/url"
	"strconv"
	"strings"
)

// FragmentLen is the length, in characters, of the shortest fragment of a
// secret that must never be shown.
const FragmentLen = 4

// Fragment returns the first FragmentLen-character fragment of secret that
// text holds as it is, quoted as Go quotes it (%q) or percent-encoded as a
// URL would carry it; ok is false when there is none.
func Fragment(text, secret string) (fragment string, ok bool) {
	runes := []rune(secret)
	for i := 0; i+FragmentLen <= len(runes); i++ {
		f := string(runes[i : i+FragmentLen])
		quoted := strconv.Quote(f)
		for _, form := range []string{f, quoted[1 : len(quoted)-1], url.PathEscape(f), url.QueryEscape(f)} {
			if strings.Contains(text, form) {
				return f, true
			}
		}
	}
	return "", false
}

// Rare are the characters of which Secret puts one in each pair, so that no fragment of a secret can be in a message by
// chance: no message of the project uses them.
var Rare = []rune("éß漢☃Ωü\u00a0𝄞ж")

// Special are the characters that break URLs, addresses and quoting.
var Special = []rune("#/?@:% &=+,;[]\"'\\\t")

// Secret makes a secret of n characters from r: letters, digits, Special
// and Rare characters, with a Rare one in each pair of characters, so that
// every fragment of FragmentLen characters holds one.
func Secret(r *rand.Rand, n int) string {
	const plain = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	out := make([]rune, n)
	for i := range out {
		if r.IntN(3) == 0 {
			out[i] = Special[r.IntN(len(Special))]
		} else {
			out[i] = rune(plain[r.IntN(len(plain))])
		}
	}
	for i := 0; i < n; i += 2 {
		out[i+r.IntN(min(2, n-i))] = Rare[r.IntN(len(Rare))]
	}
	return string(out)
}
