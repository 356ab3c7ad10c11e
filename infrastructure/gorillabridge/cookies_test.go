package gorillabridge_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gorilla/sessions"

	"github.com/sessionauth/sessionauth/infrastructure/cookiestore"
	"github.com/sessionauth/sessionauth/infrastructure/gorillabridge"
)

// TestGorillaStoreOnCookieRepository serves the cookie backend as a
// gorilla store, as Flamingo uses it: values and flashes persist in the
// cookies, a second Save of an unchanged session writes nothing, and
// MaxAge -1 expires the cookies.
func TestGorillaStoreOnCookieRepository(t *testing.T) {
	repo, err := cookiestore.New(cookiestore.Options{Secrets: [][]byte{[]byte("a secret of thirty-two bytes....")}})
	if err != nil {
		t.Fatal(err)
	}
	store := gorillabridge.NewStore(repo, nil, sessions.Options{Path: "/", MaxAge: 3600, HttpOnly: true})
	jar := map[string]*http.Cookie{}
	serve := func(handle func(w http.ResponseWriter, r *http.Request, s *sessions.Session)) *http.Response {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		for _, c := range jar {
			r.AddCookie(c)
		}
		w := httptest.NewRecorder()
		s, err := store.Get(r, "flamingo")
		if err != nil {
			t.Fatal(err)
		}
		handle(w, r, s)
		for _, c := range w.Result().Cookies() {
			if c.MaxAge < 0 {
				delete(jar, c.Name)
			} else {
				jar[c.Name] = &http.Cookie{Name: c.Name, Value: c.Value}
			}
		}
		return w.Result()
	}
	save := func(w http.ResponseWriter, r *http.Request, s *sessions.Session) {
		if err := s.Save(r, w); err != nil {
			t.Fatal(err)
		}
	}
	serve(func(w http.ResponseWriter, r *http.Request, s *sessions.Session) {
		s.Values["cart"] = "3 items"
		s.AddFlash("welcome")
		save(w, r, s)
	})
	resp := serve(func(w http.ResponseWriter, r *http.Request, s *sessions.Session) {
		if s.IsNew || s.Values["cart"] != "3 items" {
			t.Fatalf("the next request's session: new %v, values %v", s.IsNew, s.Values)
		}
		if f := s.Flashes(); len(f) != 1 || f[0] != "welcome" {
			t.Fatalf("flashes %v", f)
		}
		save(w, r, s)
		save(w, r, s) // Flamingo saves twice
	})
	if n := len(resp.Header.Values("Set-Cookie")); n != 1 {
		t.Fatalf("%d Set-Cookie lines for a change saved twice, want 1", n)
	}
	serve(func(w http.ResponseWriter, r *http.Request, s *sessions.Session) {
		if len(s.Flashes()) != 0 {
			t.Fatal("a flash read once is still there")
		}
		s.Options.MaxAge = -1
		save(w, r, s)
	})
	if len(jar) != 0 {
		t.Fatalf("cookies %v left after MaxAge -1", jar)
	}
}
