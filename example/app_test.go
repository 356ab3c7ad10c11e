package main

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

func TestExampleApplication(t *testing.T) {
	handler, err := NewApp("")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(handler)
	defer srv.Close()
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	get := func(path string) string {
		t.Helper()
		resp, err := client.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	if body := get("/"); !strings.Contains(body, "<strong>1</strong>") {
		t.Fatalf("first visit: %s", body)
	}
	if body := get("/"); !strings.Contains(body, "<strong>2</strong>") {
		t.Fatalf("second visit: %s", body)
	}
	resp, err := client.PostForm(srv.URL+"/values", url.Values{"key": {"colour"}, "value": {"teal"}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{"stored colour", "<td>colour</td><td>teal</td>", "<strong>3</strong>"} {
		if !strings.Contains(string(body), want) {
			t.Fatalf("after storing a value, the page lacks %q:\n%s", want, body)
		}
	}
	if body := get("/"); strings.Contains(body, "stored colour") {
		t.Fatal("the flash message is shown twice")
	}
	if body := get("/health"); !strings.Contains(body, `"name":"session","alive":true`) {
		t.Fatalf("health: %s", body)
	}
}
