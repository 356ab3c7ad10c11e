package redisstore_test

import (
	"strings"
	"testing"

	"github.com/sessionauth/sessionauth/infrastructure/redisstore"
	"github.com/sessionauth/sessionauth/internal/leaktest"
)

// FuzzURLPasswordNeverInError builds clients from arbitrary
// flamingo.session.redis.url values with a password where the URL syntax
// puts one, before+":"+password+"@"+after, and from the same user
// information put in flamingo.session.redis.host and the Sentinels'
// addresses by mistake: NewClient must not panic, and no error may show a
// fragment of leaktest.FragmentLen characters of the password. Each pair
// of the password's characters is joined by one of leaktest.Rare, so that
// no fragment is in an error by chance.
func FuzzURLPasswordNeverInError(f *testing.F) {
	for _, s := range [][3]string{
		{"redis://user", "pw", "cache:6379/0"}, {"redis://", "p@ss", "h/x"}, {"rediss://u", "s%zz", "h:99999"},
		{"redis://u", "x", "[::1/0?db=1&x=2"}, {"redis//u", "y", "h"}, {"", "p", ""},
		{"redis://app", "Sup3r#Secr3t/pw?x", "host:6379/0"}, {"", "a://b c", "cache:6379"},
	} {
		f.Add(s[0], s[1], s[2])
	}
	f.Fuzz(func(t *testing.T, before, password, after string) {
		if len(before)+len(password)+len(after) > 512 {
			return
		}
		password = withRare(password)
		if strings.Contains(before, password) || strings.Contains(after, password) {
			return
		}
		for _, opts := range []redisstore.ClientOptions{
			{URL: before + ":" + password + "@" + after},
			{Host: before + ":" + password + "@" + after},
			{Sentinel: redisstore.SentinelOptions{Master: "m", Addresses: before + ":" + password + "@" + after}},
		} {
			client, err := redisstore.NewClient(opts)
			if client != nil {
				_ = client.Close()
			}
			if err == nil {
				continue
			}
			if frag, ok := leaktest.Fragment(err.Error(), password); ok {
				t.Fatalf("the error shows %q of the password %q:\n%v", frag, password, err)
			}
		}
	})
}

// withRare joins each pair of the characters of s by one of
// leaktest.Rare, so that every fragment of leaktest.FragmentLen
// characters holds one.
func withRare(s string) string {
	var b strings.Builder
	b.WriteRune(leaktest.Rare[0])
	for i, c := range []rune(s) {
		b.WriteRune(c)
		if i%2 == 1 {
			b.WriteRune(leaktest.Rare[i%len(leaktest.Rare)])
		}
	}
	return b.String()
}
