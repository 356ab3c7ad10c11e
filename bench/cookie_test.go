package bench_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/gorilla/sessions"

	"github.com/sessionauth/sessionauth/infrastructure/cookiestore"
	"github.com/sessionauth/sessionauth/interfaces/web"
)

// sessionauthCookie is sessionauth's cookie backend: the session sealed in
// the visitor's cookies, behind the SessionMiddleware.
func sessionauthCookie(b *testing.B, _ *redisEnv) *served {
	repo, err := cookiestore.New(cookiestore.Options{Name: "flamingo", Secrets: [][]byte{[]byte("bench secret of thirty-two bytes")},
		MaxAge: maxAge * time.Second, MaxSize: maxSize})
	if err != nil {
		b.Fatal(err)
	}
	mw := web.NewSessionMiddleware(repo, nil, web.SessionOptions{Name: "flamingo", MaxAge: maxAge * time.Second})
	return &served{handler: mw.Handler(app(sessionauthAccess{}, nil)), cookie: "flamingo"}
}

// gorillaCookie is gorilla's CookieStore, signed only (one key) or signed
// and encrypted (AES-256 with a second key), saved by the handler when it
// changed something, as gorilla's users do.
func gorillaCookie(encrypted bool) func(b *testing.B, _ *redisEnv) *served {
	return func(b *testing.B, _ *redisEnv) *served {
		keys := [][]byte{[]byte("bench hash key of thirty-two by.")}
		if encrypted {
			keys = append(keys, []byte("bench block key of 32 bytes....."[:32]))
		}
		store := sessions.NewCookieStore(keys...)
		store.MaxAge(maxAge)
		h := app(gorillaAccess{store}, func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/read" {
				return
			}
			if err := sessions.Save(r, w); err != nil {
				b.Error(err)
			}
		})
		return &served{handler: h, cookie: "session"}
	}
}
