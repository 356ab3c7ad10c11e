package config

import (
	"fmt"
	"strconv"
	"strings"
)

// Reference is the reference of every key as Markdown tables, one per
// section, followed by the legacy spellings: the part of docs/config.md
// between its markers.
func Reference() string {
	var b strings.Builder
	for _, section := range []string{sectionSession, sectionRedis, sectionAuth} {
		fmt.Fprintf(&b, "### %s\n\n| Key | Type | Default | Meaning |\n|---|---|---|---|\n", section)
		for _, k := range Keys {
			if k.Section == section {
				fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", k.Name, kindName(k), defaultText(k), k.Doc)
			}
		}
		b.WriteString("\n")
	}
	b.WriteString("### Legacy spellings\n\nThese older keys mean the key on the right; when both are given, the current spelling wins.\n\n| Legacy | Current |\n|---|---|\n")
	for _, k := range Keys {
		for _, a := range k.Aliases {
			fmt.Fprintf(&b, "| `%s` | `%s` |\n", a, k.Name)
		}
	}
	return b.String()
}

func kindName(k Key) string {
	return [...]string{String: "string", Bool: "bool", Number: "number", Duration: "duration string", List: "list of strings", Brokers: "list of maps"}[k.Kind]
}

func defaultText(k Key) string {
	switch d := k.Default.(type) {
	case string:
		if d == "" {
			return "empty"
		}
		return "`" + d + "`"
	case float64:
		return "`" + strconv.FormatFloat(d, 'f', -1, 64) + "`"
	case []any:
		return "`[]`"
	}
	return fmt.Sprintf("`%v`", k.Default)
}
