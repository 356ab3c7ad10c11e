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
// "legacy config … set" warning.
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
	if strings.Contains(out.String(), "WARNING") {
		t.Fatalf("starting the example logged warnings:\n%s", out.String())
	}
}
