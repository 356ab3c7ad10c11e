package sessionauth_test

import (
	"os"
	"strings"
	"testing"

	"github.com/sessionauth/sessionauth"
)

// TestNewErrorSaysWhatToFix: New's error is sessionauth's, without the
// injector's plumbing, and its first line names the key, the value and
// what to write.
func TestNewErrorSaysWhatToFix(t *testing.T) {
	_, err := sessionauth.New(map[string]any{"core.auth.web.broker": withBroker(map[string]any{"endpoint": "not a url", "clientID": ""})})
	if err == nil {
		t.Fatal("New returned no error")
	}
	lines := strings.Split(err.Error(), "\n")
	want := `sessionauth: invalid configuration (2 problems): config key core.auth.web.broker[0].clientID = "": is empty; write the client ID`
	if !strings.HasPrefix(lines[0], want) || len(lines) != 2 {
		t.Errorf("first line = %q\nwant it to start with %q, and one more line", lines[0], want)
	}
	want = `  config key core.auth.web.broker[0].endpoint = "not a url": is not an absolute URL; write the issuer URL of the OpenID provider, such as https://`
	if len(lines) < 2 || !strings.HasPrefix(lines[1], want) {
		t.Errorf("error = %q\nwant its second line to start with %q", err, want)
	}
	if strings.Contains(err.Error(), "initmodules") || strings.Contains(err.Error(), "eager") {
		t.Errorf("error shows the injector's plumbing: %q", err)
	}
}

// TestConfigDocsExampleError: the example error of docs/config.md is the
// one New gives.
func TestConfigDocsExampleError(t *testing.T) {
	doc, err := os.ReadFile("docs/config.md")
	if err != nil {
		t.Fatal(err)
	}
	_, block, _ := strings.Cut(string(doc), "the error of `sessionauth.New`:\n\n```\n")
	block, _, _ = strings.Cut(block, "\n```")
	_, err = sessionauth.New(map[string]any{"core.auth.web.broker": withBroker(map[string]any{"endpoint": "not a url"}),
		"flamingo.session.bakend": "redis", "flamingo.session.max.age": "30d"})
	if err == nil || err.Error() != block {
		t.Errorf("New's error:\n%v\ndocs/config.md's example:\n%s", err, block)
	}
}
