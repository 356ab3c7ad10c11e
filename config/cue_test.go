package config_test

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/sessionauth/sessionauth/config"
)

// cueFields reads the fields a CueConfig declares, by dotted path, with
// the text after the colon: enough for the plain nesting of our schemas
// (`a: b: {` opens a block, `}` closes it, `c?: type` is optional).
func cueFields(cue string) map[string]string {
	fields := make(map[string]string)
	var stack []string
	for _, line := range strings.Split(cue, "\n") {
		line = strings.TrimSpace(line)
		if line == "}" {
			stack = stack[:len(stack)-1]
			continue
		}
		path := append([]string(nil), stack...)
		rest := line
		for {
			name, after, ok := strings.Cut(rest, ": ")
			if !ok || strings.ContainsAny(name, ` "|*[{(`) {
				break
			}
			path, rest = append(path, strings.TrimSuffix(name, "?")), after
		}
		if len(path) == len(stack) {
			continue
		}
		if rest == "{" {
			stack = path
			continue
		}
		fields[strings.Join(path, ".")] = rest
	}
	return fields
}

// cueDefault is the literal default (`*"x"`, `*true`, `*10`) of a field.
var cueDefault = regexp.MustCompile(`\*("[^"]*"|true|false|[0-9.]+)(\s|$)`)

// TestCueConfigDeclaresEveryKey checks that the schemas Flamingo's loader
// reads declare every key Normalize knows, and that a literal default
// there is ConfigModule's default too.
func TestCueConfigDeclaresEveryKey(t *testing.T) {
	declared := cueFields(config.SessionCUE())
	for k, v := range cueFields(config.AuthCUE()) {
		declared[k] = v
	}
	defaults, ps := config.Normalize(nil)
	if err := ps.Err(); err != nil {
		t.Fatal(err)
	}
	for key, want := range defaults {
		schema, ok := declared[key]
		if !ok {
			t.Errorf("CueConfig does not declare %s", key)
			continue
		}
		m := cueDefault.FindStringSubmatch(schema)
		if m == nil || key == "flamingo.session.secret" { // Flamingo's own default secret applies inside Flamingo; sessionauth warns about it
			continue
		}
		if got := cueLiteral(m[1]); got != goLiteral(want) {
			t.Errorf("CueConfig's default of %s is %s, ConfigModule's is %v", key, got, want)
		}
	}
	for legacy, current := range config.LegacyAliases() {
		if _, ok := declared[current]; !ok || legacy == current {
			t.Errorf("legacy key %s is an alias of %s, which CueConfig does not declare", legacy, current)
		}
	}
}

func cueLiteral(s string) string {
	if u, err := strconv.Unquote(s); err == nil {
		return u
	}
	return s
}

func goLiteral(v any) string {
	if f, ok := v.(float64); ok {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	return fmt.Sprint(v)
}
