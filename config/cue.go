package config

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// SessionCUE is the CUE schema of the session keys, for Flamingo's
// configuration loader. Where Flamingo v3.17.4's own SessionModule
// declares a key too, the type and default here unify with it.
func SessionCUE() string { return cueOf("flamingo.session.") }

// AuthCUE is the CUE schema of the authentication keys.
func AuthCUE() string { return cueOf("core.auth.") }

// LegacyAliases maps every older spelling to its key, for Flamingo's
// loader (FlamingoLegacyConfigAlias). session.backend.redis.host is left
// out: Flamingo's loader would nest it below session.backend, whose value
// is a string.
func LegacyAliases() map[string]string {
	out := map[string]string{}
	for _, k := range Keys {
		for _, a := range k.Aliases {
			if a != "session.backend.redis.host" {
				out[a] = k.Name
			}
		}
	}
	return out
}

// cueOf writes the keys below prefix as one CUE field each, by path:
// `flamingo: session: max: age: float | int | *2592000`.
func cueOf(prefix string) string {
	var lines []string
	for _, k := range Keys {
		if strings.HasPrefix(k.Name, prefix) {
			lines = append(lines, cueField(k))
		}
	}
	sort.Strings(lines)
	return "\n" + strings.Join(lines, "\n") + "\n"
}

func cueField(k Key) string {
	path := strings.ReplaceAll(k.Name, ".", ": ")
	typ := cueType(k)
	if !strings.Contains(typ, "*") {
		// No default: optional, so that Flamingo does not find it incomplete.
		path += "?"
	}
	return path + ": " + typ
}

func cueType(k Key) string {
	if k.CUE != "" {
		return k.CUE
	}
	if len(k.Oneof) > 0 {
		alts := make([]string, len(k.Oneof))
		for i, o := range k.Oneof {
			alts[i] = strconv.Quote(o)
			if o == k.Default {
				alts[i] = "*" + alts[i]
			}
		}
		return strings.Join(alts, " | ")
	}
	switch k.Kind {
	case Bool:
		return fmt.Sprintf("bool | *%v", k.Default)
	case Number:
		return "float | int | *" + strconv.FormatFloat(k.Default.(float64), 'f', -1, 64)
	case List:
		return "[...string] | *[]"
	}
	return "string | *" + strconv.Quote(k.Default.(string))
}
