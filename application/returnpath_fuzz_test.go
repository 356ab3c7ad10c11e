package application_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/sessionauth/sessionauth/application"
)

// FuzzSanitizeReturnPath checks that whatever a visitor passes as the
// return path, the result is the input or "/", and that a browser sent
// to it stays on the site: after the normalisation browsers apply to a
// Location (tabs and newlines removed, backslashes read as slashes in
// http(s) URLs), resolved against the page's URL it has the site's scheme
// and host.
func FuzzSanitizeReturnPath(f *testing.F) {
	for _, s := range []string{"/", "/cart?x=1#y", "//evil.example", "/\\evil.example", "https://evil.example",
		"/%2F%2Fevil.example", "/%252F%252Fevil.example", "javascript:alert(1)", "/\t/evil.example", "/.//evil", "/a/../..//evil"} {
		f.Add(s)
	}
	site, _ := url.Parse("https://shop.example/account/orders?page=2")
	f.Fuzz(func(t *testing.T, raw string) {
		got := application.SanitizeReturnPath(raw)
		if got != raw && got != "/" {
			t.Fatalf("SanitizeReturnPath(%q) = %q; want the input or /", raw, got)
		}
		normalised := strings.NewReplacer("\t", "", "\n", "", "\r", "", "\\", "/").Replace(got)
		ref, err := url.Parse(normalised)
		if err != nil {
			t.Fatalf("SanitizeReturnPath(%q) = %q, which does not parse: %v", raw, got, err)
		}
		to := site.ResolveReference(ref)
		if to.Scheme != site.Scheme || to.Host != site.Host || to.User != nil {
			t.Fatalf("SanitizeReturnPath(%q) = %q leads the browser to %s; want a page of %s", raw, got, to, site.Host)
		}
	})
}
