package sessionauth_test

import (
	"flag"
	"fmt"
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
//
// or, for one of several snippets of a file, without its imports:
//
//	<!-- snippet: example_docs_test.go#cart -->
var snippetBlock = regexp.MustCompile("(?s)<!-- snippet: ([^ ]+) -->\n```go\n(.*?)```\n")

// TestSnippetsAreExamples checks that each marked Go block of README.md and
// docs/*.md is its source's import block and the lines between
// "// snippet start" and "// snippet end" (of a compiled, run Example), or
// for file#name the lines between "// snippet name" and "// snippet end",
// and that no Go block of these files is without a source. The source of
// docs/flamingo.md's snippet is flamingo/example_docs_test.go: it needs
// Flamingo, so the nested module compiles it, and this test compares the
// text (make test runs both).
func TestSnippetsAreExamples(t *testing.T) {
	docs, _ := filepath.Glob("docs/*.md")
	for _, doc := range append([]string{"README.md"}, docs...) {
		raw, err := os.ReadFile(doc)
		if err != nil {
			t.Fatal(err)
		}
		text := string(raw)
		marked := snippetBlock.FindAllStringSubmatch(text, -1)
		if len(marked) != strings.Count(text, "```go") {
			t.Errorf("%s has %d Go blocks, %d of them with a <!-- snippet: file --> source", doc, strings.Count(text, "```go"), len(marked))
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
	if file, name, ok := strings.Cut(path, "#"); ok {
		return namedSnippet(file, name)
	}
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

// namedSnippet returns the lines of the Go file at path between
// "// snippet name" and the next "// snippet end" of the same indentation,
// less that indentation and the blank line gofmt keeps before the end
// marker after a declaration.
func namedSnippet(path, name string) (string, error) {
	raw, err := os.ReadFile(filepath.FromSlash(path))
	if err != nil {
		return "", err
	}
	var b strings.Builder
	indent, inside := "", false
	for _, line := range strings.SplitAfter(string(raw), "\n") {
		switch {
		case !inside && strings.TrimSpace(line) == "// snippet "+name:
			indent, inside = line[:strings.Index(line, "//")], true
		case inside && line == indent+"// snippet end\n":
			text := b.String()
			if strings.HasSuffix(text, "\n\n") {
				text = text[:len(text)-1]
			}
			return text, nil
		case inside:
			b.WriteString(strings.TrimPrefix(line, indent))
		}
	}
	return "", fmt.Errorf("%s: no lines between // snippet %s and // snippet end", path, name)
}
