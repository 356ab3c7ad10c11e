package sessionauth_test

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// configMarker names the configuration block after it, the way snippet
// markers name the source of a Go block:
//
//	<!-- config: backends-redis-cluster -->
//	```yaml
//	…
//	```
//
// IDs are unique over README.md and docs/*.md. TestConfigBlocks runs a
// case for each ID; an ID starting with "flamingo/" is a block that only
// makes sense inside a Flamingo application, run by a test of the nested
// flamingo module that names the ID.
var configMarker = regexp.MustCompile(`^<!-- config: ([a-z0-9/-]+) -->$`)

// markerLine is a line that starts like a marker.
var markerLine = regexp.MustCompile(`(?m)^<!-- config:`)

// configBlock is one marked block: its ID, the file and line of its
// marker and its text.
type configBlock struct {
	ID, Where, Text string
}

// fencedBlock is a fenced block of a Markdown file and the line before it.
type fencedBlock struct {
	lang, before, text string
	line               int
}

// fencedBlocks returns the fenced blocks of the Markdown text.
func fencedBlocks(text string) []fencedBlock {
	var blocks []fencedBlock
	lines := strings.Split(text, "\n")
	for i := 0; i < len(lines); i++ {
		if !strings.HasPrefix(lines[i], "```") {
			continue
		}
		b := fencedBlock{lang: strings.TrimPrefix(lines[i], "```"), line: i + 1}
		if i > 0 {
			b.before = lines[i-1]
		}
		var body []string
		for i++; i < len(lines) && lines[i] != "```"; i++ {
			body = append(body, lines[i])
		}
		b.text = strings.Join(body, "\n") + "\n"
		blocks = append(blocks, b)
	}
	return blocks
}

// configKeyLine is a line of a block that sets one of sessionauth's keys,
// as YAML writes it (flamingo:, core.auth.web:, session.backend: …),
// whatever the block's language says.
var configKeyLine = regexp.MustCompile(`(?m)^\s*(flamingo|core|session)(\.[A-Za-z.]+)?:(\s|$)`)

// docConfigBlocks reads the marked blocks of README.md and docs/*.md; every
// YAML block without a marker, and every marker not right before a block,
// is a problem.
func docConfigBlocks(t *testing.T) (blocks []configBlock, problems []string) {
	t.Helper()
	docs, _ := filepath.Glob("docs/*.md")
	for _, doc := range append([]string{"README.md"}, docs...) {
		raw, err := os.ReadFile(doc)
		if err != nil {
			t.Fatal(err)
		}
		markers := 0
		for _, b := range fencedBlocks(string(raw)) {
			m := configMarker.FindStringSubmatch(b.before)
			switch {
			case m != nil:
				markers++
				blocks = append(blocks, configBlock{ID: m[1], Where: doc + ":" + itoa(b.line), Text: b.text})
			case b.lang == "yaml" || b.lang == "yml" || b.lang != "go" && configKeyLine.MatchString(b.text):
				problems = append(problems, doc+":"+itoa(b.line)+": a configuration block without <!-- config: ID --> on the line before")
			}
		}
		if all := len(markerLine.FindAllString(string(raw), -1)); all != markers {
			problems = append(problems, doc+": "+itoa(all-markers)+" <!-- config: ID --> markers are not right before a fenced block or have an ID other than [a-z0-9/-]+")
		}
	}
	return blocks, problems
}

// TestConfigBlocksAreTested fails when a configuration block of README.md
// or docs/ has no marker, when two markers share an ID, or when an ID has
// no test: a case of TestConfigBlocks, or for "flamingo/" IDs a string
// literal naming it in a test of the flamingo module.
func TestConfigBlocksAreTested(t *testing.T) {
	blocks, problems := docConfigBlocks(t)
	flamingoTests := flamingoTestText(t)
	seen := map[string]string{}
	for _, b := range blocks {
		if where, dup := seen[b.ID]; dup {
			problems = append(problems, b.Where+": config ID "+b.ID+" is used at "+where+" too; IDs must be unique")
		}
		seen[b.ID] = b.Where
		_, inTable := configCases[b.ID]
		switch {
		case strings.HasPrefix(b.ID, "flamingo/") && !strings.Contains(flamingoTests, `"`+b.ID+`"`):
			problems = append(problems, b.Where+": no flamingo/*_test.go names the block "+b.ID+" in a string literal")
		case !strings.HasPrefix(b.ID, "flamingo/") && !inTable:
			problems = append(problems, b.Where+": the block "+b.ID+" has no case in configCases (configmatrix_test.go)")
		}
	}
	for id := range configCases {
		if _, ok := seen[id]; !ok && id != seedsBrokerID {
			problems = append(problems, "configCases has a case "+id+" for no block of README.md or docs/")
		}
	}
	sort.Strings(problems)
	for _, p := range problems {
		t.Error(p)
	}
}

// flamingoTestText is the text of the flamingo module's test files.
func flamingoTestText(t *testing.T) string {
	t.Helper()
	files, _ := filepath.Glob("flamingo/*_test.go")
	more, _ := filepath.Glob("flamingo/*/*_test.go")
	var b strings.Builder
	for _, f := range append(files, more...) {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(raw)
	}
	return b.String()
}
