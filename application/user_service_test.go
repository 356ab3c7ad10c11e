package application_test

import (
	"context"
	"testing"
	"time"

	"github.com/sessionauth/sessionauth/application"
	"github.com/sessionauth/sessionauth/domain"
)

func TestUserService(t *testing.T) {
	f := newFixture(t, application.Options{})
	var users application.UserServiceInterface = &application.UserService{}
	tests := []struct {
		name    string
		session func() *domain.Session
		logged  bool
		want    domain.User
	}{
		{name: "guest", session: domain.NewSession, want: domain.User{Type: domain.UserTypeGuest}},
		{name: "logged in", session: func() *domain.Session { return f.loggedIn(t, "u1", time.Time{}) }, logged: true,
			want: domain.User{Sub: "u1", Name: "Name u1", Type: domain.UserTypeUser}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := tt.session()
			u := users.GetUser(context.Background(), s)
			if u == nil || u.Sub != tt.want.Sub || u.Name != tt.want.Name || u.Type != tt.want.Type {
				t.Fatalf("GetUser = %+v, want %+v", u, tt.want)
			}
			if got := users.IsLoggedIn(context.Background(), s); got != tt.logged {
				t.Fatalf("IsLoggedIn = %v", got)
			}
		})
	}
}

func TestSanitizeReturnPath(t *testing.T) {
	tests := []struct{ in, want string }{
		{"/", "/"},
		{"/account", "/account"},
		{"/orders?page=2#top", "/orders?page=2#top"},
		{"/a%20b", "/a%20b"},
		{"", "/"},
		{"account", "/"},
		{"//evil.example", "/"},
		{"/\\evil.example", "/"},
		{"\\\\evil.example", "/"},
		{"https://evil.example", "/"},
		{"javascript:alert(1)", "/"},
		{"JavaScript:alert(1)", "/"},
		{"/%2Fevil.example", "/"},
		{"%2F%2Fevil.example", "/"},
		{"/%5Cevil.example", "/"},
		{"/%252F%252Fevil.example", "/"},
		{"/%25252F%25252Fevil.example", "/"},
		{"https%3A%2F%2Fevil.example", "/"},
		{"javascript%3Aalert(1)", "/"},
		{"/\t/evil.example", "/"},
		{"/%09/evil.example", "/"},
		{"/%0d%0aSet-Cookie:x", "/"},
		{"/%zz", "/"},
	}
	for _, tt := range tests {
		if got := application.SanitizeReturnPath(tt.in); got != tt.want {
			t.Errorf("SanitizeReturnPath(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
