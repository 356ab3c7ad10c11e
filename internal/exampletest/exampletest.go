// Package exampletest runs the handlers of the packages' Example
// functions the way a browser would, printing what it sees for the
// examples' Output comments.
package exampletest

import (
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
)

// Visit requests paths of handler in order, as one browser over HTTPS
// (session cookies are Secure), without following redirects, and prints
// each answer's status and body or redirect target.
func Visit(handler http.Handler, paths ...string) {
	srv := httptest.NewTLSServer(handler)
	defer srv.Close()
	client := srv.Client()
	client.Jar, _ = cookiejar.New(nil)
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	for _, p := range paths {
		resp, err := client.Get(srv.URL + p)
		if err != nil {
			fmt.Println(err)
			return
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		shown := strings.TrimSpace(string(body))
		if loc := resp.Header.Get("Location"); loc != "" {
			shown = loc
		}
		fmt.Printf("GET %s → %d %s\n", p, resp.StatusCode, shown)
	}
}
