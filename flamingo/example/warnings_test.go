package main

import (
	"bytes"
	"log"
	"os"
	"strings"
	"testing"

	"flamingo.me/flamingo/v3"
)

// TestExampleStartsWithoutWarnings loads the example's configuration,
// which sets only current keys, through Flamingo's loader and expects no
// warning: neither Flamingo's "legacy config … set" nor one of sessionauth's.
func TestExampleStartsWithoutWarnings(t *testing.T) {
	var out bytes.Buffer
	log.SetOutput(&out)
	t.Cleanup(func() { log.SetOutput(os.Stderr) })
	app, err := flamingo.NewApplication(modules(), flamingo.ConfigDir("config"), flamingo.WithArgs())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := app.ConfigArea().GetInitializedInjector(); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), "WARN") { // log.Printf's WARNING and slog's WARN alike
		t.Fatalf("starting the example logged warnings:\n%s", out.String())
	}
}
