package main_test

import (
	"encoding/json"
	"testing"
)

const secret = "0123456789abcdef0123456789abcdef-session"

func TestCheckMisspeltKey(t *testing.T) {
	path := configFile(t, `
flamingo:
  session:
    secret: "%%ENV:SESSION_SECRET%%"
    cookie:
      secrue: false
core.auth.web:
  broker:
    - {broker: corp, typ: oidc, endpoint: "https://login.example/realms/shop", clientID: shop, clientSecert: "client-secret-value"}
`)
	r := sessionauth(t, []string{"SESSION_SECRET=" + secret}, "check", path)
	r.want(t, 1, r.stderr,
		"sessionauth: invalid configuration (2 problems): ",
		"config key core.auth.web.broker[0].clientSecert: no such key for a broker of typ oidc; did you mean clientSecret?",
		"config key flamingo.session.cookie.secrue: no such key; did you mean flamingo.session.cookie.secure?")
	r.want(t, 1, r.stdout, "flamingo.session.secret = (set)", `core.auth.web.broker[0].endpoint = "https://login.example/realms/shop"`,
		"flamingo.session.max.age = 2592000  (default)", "2 problems")
	r.hides(t, secret, "client-secret-value")
}

func TestCheckUsableConfiguration(t *testing.T) {
	path := configFile(t, `
flamingo.session:
  secret: "%%ENV:SESSION_SECRET%%"
  backend: redis
  redis.url: "redis://app:redis-password@127.0.0.1:6379/2"
`)
	r := sessionauth(t, []string{"SESSION_SECRET=" + secret}, "check", path)
	r.want(t, 0, r.stdout, `flamingo.session.redis.url = "redis://app:xxxxx@127.0.0.1:6379/2"`, "flamingo.session.backend = \"redis\"\n",
		"the configuration is usable")
	r.hides(t, secret, "redis-password")
}

func TestCheckLaterFilesWin(t *testing.T) {
	base := configFile(t, "flamingo.session: {backend: file, file: /var/lib/shop/sessions, max.age: 3600}\n")
	override := configFile(t, "flamingo:\n  session:\n    max.age: 7200\n")
	r := sessionauth(t, nil, "check", base, override)
	r.want(t, 0, r.stdout, "flamingo.session.max.age = 7200\n", `flamingo.session.file = "/var/lib/shop/sessions"`)
	r.want(t, 0, r.stderr, "warning: flamingo.session.secret is not set")
}

func TestCheckJSON(t *testing.T) {
	path := configFile(t, "session.backend: mongo\nflamingo.session.max.age: -1\n")
	r := sessionauth(t, nil, "check", "--json", path)
	var report struct {
		OK       bool
		Problems []struct{ Key, Value, Message string }
		Warnings []string
	}
	if err := json.Unmarshal([]byte(r.stdout), &report); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, r.stdout)
	}
	if r.code != 1 || report.OK || len(report.Problems) != 1 || report.Problems[0].Key != "flamingo.session.max.age" {
		t.Errorf("exit %d, report %+v; want exit 1 and the problem of max.age", r.code, report)
	}
	r.want(t, 1, r.stdout, `flamingo.session.backend = \"mongo\" is not a built-in backend`)
}

func TestCheckCommandLine(t *testing.T) {
	for _, c := range []struct {
		name string
		args []string
		code int
		text string
	}{
		{"no command", nil, 2, "Usage:"},
		{"unknown command", []string{"chekc"}, 2, `unknown command "chekc"`},
		{"no file", []string{"check"}, 2, "name at least one configuration file"},
		{"unknown flag", []string{"check", "--conect", "x.yml"}, 2, "flag provided but not defined: -conect"},
		{"help", []string{"check", "-h"}, 0, "Usage: sessionauth check [flags] config.yml"},
		{"missing file", []string{"check", "/nonexistent/config.yml"}, 1, "open /nonexistent/config.yml: no such file or directory"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := sessionauth(t, nil, c.args...)
			r.want(t, c.code, r.stderr, c.text)
		})
	}
}

func TestCheckUnsetEnvironmentVariable(t *testing.T) {
	path := configFile(t, "flamingo.session.secret: \"%%ENV:SESSIONAUTH_TEST_UNSET%%\"\n")
	r := sessionauth(t, nil, "check", path)
	r.want(t, 1, r.stderr, "config key flamingo.session.secret: environment variable SESSIONAUTH_TEST_UNSET is not set")
}
