package redisstore_test

import (
	"strings"
	"testing"

	"github.com/sessionauth/sessionauth/infrastructure/redisstore"
)

// FuzzURLPasswordNeverInError builds clients from arbitrary
// flamingo.session.redis.url values with a password where the URL syntax
// puts one, before+":"+password+"@"+after: NewClient must not panic, and
// no error may show the password, whole or in part.
func FuzzURLPasswordNeverInError(f *testing.F) {
	for _, s := range [][3]string{
		{"redis://user", "pw", "cache:6379/0"}, {"redis://", "p@ss", "h/x"}, {"rediss://u", "s%zz", "h:99999"},
		{"redis://u", "x", "[::1/0?db=1&x=2"}, {"redis//u", "y", "h"}, {"", "p", ""},
	} {
		f.Add(s[0], s[1], s[2])
	}
	f.Fuzz(func(t *testing.T, before, password, after string) {
		if len(before)+len(password)+len(after) > 512 {
			return
		}
		password = "PW" + password + "DX" // what is checked: all but its first and last letter
		secret := password[1 : len(password)-1]
		if strings.Contains(before, secret) || strings.Contains(after, secret) {
			return
		}
		client, err := redisstore.NewClient(redisstore.ClientOptions{URL: before + ":" + password + "@" + after})
		if client != nil {
			_ = client.Close()
		}
		if err != nil && strings.Contains(err.Error(), secret) {
			t.Fatalf("the error shows the password %q:\n%v", password, err)
		}
	})
}
