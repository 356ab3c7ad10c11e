package sessionauth_test

import (
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var updateSnippets = flag.Bool("update-snippets", false, "rewrite the marked Go snippets of README.md and docs/ from their sources")

// snippetBlock is a marker naming the source of the Go block after it:
//
//	<!-- snippet: example_new_test.go -->
//	```go
//	…
//	```
var snippetBlock = regexp.MustCompile("(?s)<!-- snippet: ([^ ]+) -->\n```go\n(.*?)```\n")

// TestSnippetsAreExamples checks that each marked Go block of README.md and
// docs/*.md is its source's import block and the lines between
// "// snippet start" and "// snippet end" (of a compiled, run Example),
// and that README.md has no Go block without a source.
func TestSnippetsAreExamples(t *testing.T) {
	docs, _ := filepath.Glob("docs/*.md")
	for _, doc := range append([]string{"README.md"}, docs...) {
		raw, err := os.ReadFile(doc)
		if err != nil {
			t.Fatal(err)
		}
		text := string(raw)
		marked := snippetBlock.FindAllStringSubmatch(text, -1)
		if doc == "README.md" && len(marked) != strings.Count(text, "```go") {
			t.Errorf("README.md has %d Go blocks, %d of them with a <!-- snippet: file --> source", strings.Count(text, "```go"), len(marked))
		}
		updated := snippetBlock.ReplaceAllStringFunc(text, func(block string) string {
			m := snippetBlock.FindStringSubmatch(block)
			want, err := snippet(m[1])
			if err != nil {
				t.Errorf("%s: %v", doc, err)
				return block
			}
			if m[2] != want && !*updateSnippets {
				t.Errorf("%s: the snippet of %s differs from its source; run go test -run TestSnippetsAreExamples -update-snippets . \nwant:\n%s\ngot:\n%s", doc, m[1], want, m[2])
			}
			return "<!-- snippet: " + m[1] + " -->\n```go\n" + want + "```\n"
		})
		if *updateSnippets && updated != text {
			if err := os.WriteFile(doc, []byte(updated), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// snippet returns the import block of the Go file at path and its lines
// between the snippet markers, one tab less indented.
func snippet(path string) (string, error) {
	raw, err := os.ReadFile(filepath.FromSlash(path))
	if err != nil {
		return "", err
	}
	src := string(raw)
	imports := regexp.MustCompile(`(?s)\nimport \(\n.*?\n\)\n`).FindString(src)
	_, rest, ok1 := strings.Cut(src, "\t// snippet start\n")
	body, _, ok2 := strings.Cut(rest, "\t// snippet end\n")
	if imports == "" || !ok1 || !ok2 {
		return "", os.ErrNotExist
	}
	var b strings.Builder
	b.WriteString(strings.TrimPrefix(imports, "\n"))
	b.WriteString("\n")
	for _, line := range strings.SplitAfter(body, "\n") {
		b.WriteString(strings.TrimPrefix(line, "\t"))
	}
	return b.String(), nil
}
