package config_test

import (
	"flag"
	"os"
	"strings"
	"testing"

	"github.com/sessionauth/sessionauth/config"
)

var update = flag.Bool("update", false, "rewrite the reference in docs/config.md")

const (
	docPath    = "../docs/config.md"
	beginMark  = "<!-- reference:begin -->\n"
	endMark    = "<!-- reference:end -->"
	updateHint = "go test ./config -run TestReference -update"
)

// TestReference checks that the reference in docs/config.md is the one
// the table gives.
func TestReference(t *testing.T) {
	doc, err := os.ReadFile(docPath)
	if err != nil {
		t.Fatal(err)
	}
	before, rest, ok1 := strings.Cut(string(doc), beginMark)
	_, after, ok2 := strings.Cut(rest, endMark)
	if !ok1 || !ok2 {
		t.Fatalf("%s lacks the markers %q and %q", docPath, beginMark, endMark)
	}
	want := before + beginMark + config.Reference() + endMark + after
	if *update {
		if err := os.WriteFile(docPath, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if string(doc) != want {
		t.Fatalf("the reference in %s differs from the table in package config; run %s", docPath, updateHint)
	}
}
