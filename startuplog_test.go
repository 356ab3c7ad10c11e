package sessionauth_test

import (
	"log/slog"
	"strings"
	"testing"

	"flamingo.me/dingo"

	"github.com/sessionauth/sessionauth"
	"github.com/sessionauth/sessionauth/interfaces/web"
)

// withLogger binds a logger that records every line in rec.
func withLogger(rec *logRecorder) dingo.Module {
	return dingo.ModuleFunc(func(i *dingo.Injector) { i.Bind(new(slog.Logger)).ToInstance(slog.New(rec)) })
}

// TestShortSecretWarns: a session secret shorter than 32 bytes starts,
// with one warning that says why it is weak and how to make a good one,
// and shows no part of the secret.
func TestShortSecretWarns(t *testing.T) {
	const secret = "Qz8vWk3pLm7"
	rec := new(logRecorder)
	injector, err := dingo.NewInjector(sessionauth.ConfigModule(map[string]any{"flamingo.session.secret": secret, "core.auth.web.broker": []any{fakeBroker}}),
		new(sessionauth.AuthModule), withLogger(rec))
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := sessionauth.FromInjector(injector); err != nil {
			t.Fatal(err)
		}
	}
	var warnings []string
	for _, line := range rec.all() {
		if strings.Contains(line, "flamingo.session.secret") {
			warnings = append(warnings, line)
		}
		for i := 0; i+4 <= len(secret); i++ {
			if strings.Contains(line, secret[i:i+4]) {
				t.Errorf("log line shows %q of the secret: %s", secret[i:i+4], line)
			}
		}
	}
	if len(warnings) != 1 {
		t.Fatalf("%d lines about the secret, want 1: %q", len(warnings), warnings)
	}
	for _, w := range []string{"WARN ", "shorter than 32 bytes", "attacker can try keys offline", "openssl rand -base64 32", "head -c 32 /dev/urandom | base64"} {
		if !strings.Contains(warnings[0], w) {
			t.Errorf("warning does not say %q: %s", w, warnings[0])
		}
	}

	rec = new(logRecorder)
	if _, err := sessionauth.New(map[string]any{"flamingo.session.secret": strings.Repeat("k", 32)}, withLogger(rec)); err != nil {
		t.Fatal(err)
	}
	if line, ok := rec.find("flamingo.session.secret"); ok {
		t.Errorf("a secret of 32 bytes is warned about: %s", line)
	}
}

// TestFailedStartLog: when the start fails, the error goes back to the
// caller and the log does not also claim that requests fail; an injector
// that nobody checked (no eager singletons) still logs it, once, when a
// component that serves requests is built.
func TestFailedStartLog(t *testing.T) {
	cfg := map[string]any{"flamingo.session.secret": strings.Repeat("k", 32), "flamingo.session.backend": "file",
		"flamingo.session.file": t.TempDir() + "/\x00"}
	rec := new(logRecorder)
	if _, err := sessionauth.New(cfg, withLogger(rec)); err == nil || !strings.Contains(err.Error(), "flamingo.session.file") {
		t.Fatalf("New = %v, want the error of flamingo.session.file", err)
	}
	if line, ok := rec.find("every request fails"); ok {
		t.Errorf("a start that failed logged: %s", line)
	}

	rec = new(logRecorder)
	injector, err := dingo.NewInjector()
	if err != nil {
		t.Fatal(err)
	}
	injector.SetBuildEagerSingletons(false)
	if err := injector.InitModules(sessionauth.ConfigModule(cfg), new(sessionauth.SessionModule), withLogger(rec)); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := sessionauth.Get[*web.SessionMiddleware](injector); err != nil {
			t.Fatal(err)
		}
	}
	var n int
	for _, line := range rec.all() {
		if strings.Contains(line, "every request fails") && strings.Contains(line, "flamingo.session.file") {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d lines say that every request fails, want 1:\n%s", n, strings.Join(rec.all(), "\n"))
	}
}
