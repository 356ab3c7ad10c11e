package redact_test

import (
	"testing"

	"github.com/sessionauth/sessionauth/internal/redact"
)

func TestURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"redis://app:pw@cache:6379/0", "redis://app:xxxxx@cache:6379/0"},
		{"redis://app:Sup3r#Secr3t/pw?x@host:6379/0", "redis://app:xxxxx@host:6379/0"},
		{"redis://:p@ss:w0rd@host", "redis://:xxxxx@host"},
		{"redis://token@host", "redis://xxxxx@host"},
		{"app:hunter2@cache:6379", "app:xxxxx@cache:6379"},
		{"a:1,app:pw@b:2", "a:xxxxx@b:2"},
		{"client:long://pw@idp", "client:xxxxx@idp"},
		{`"redis://app:pw@host"`, `"redis://app:xxxxx@host"`},
		{"redis//u:secret@cache", "redis//u:xxxxx@cache"},
		{"alice@example.com", "alice@example.com"},
		{"redis://cache:6379/0?db=1&password=pw&x=y", "redis://cache:6379/0?db=1&password=xxxxx&x=y"},
		{"https://idp.example/realms/shop", "https://idp.example/realms/shop"},
		{"", ""},
	}
	for _, tc := range tests {
		if got := redact.URL(tc.in); got != tc.want {
			t.Errorf("URL(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"dial tcp: lookup app:hunter2@cache:6379: no such host", "dial tcp: lookup app:xxxxx@cache:6379: no such host"},
		{"config key x = \"https://u:pw@idp\":\n  is bad", "config key x = \"https://u:xxxxx@idp\":\n  is bad"},
		{"did you mean flamingo.session.backend?", "did you mean flamingo.session.backend?"},
		{"use redis://[user:password@]host:port/db", "use redis://[user:password@]host:port/db"},
		{"mail alice@example.com at 10:00", "mail alice@example.com at 10:00"},
		{`x = "redis://h:6379/0?password=abc": unknown parameter`, `x = "redis://h:6379/0?password=xxxxx": unknown parameter`},
		{`x = "redis://h/0?pw=abc&db=1"`, `x = "redis://h/0?pw=xxxxx&db=1"`},
	}
	for _, tc := range tests {
		if got := redact.Text(tc.in); got != tc.want {
			t.Errorf("Text(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
