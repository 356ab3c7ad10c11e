package bench_test

import (
	"bytes"
	"encoding/base64"
	"net/http"
	"testing"
	"time"

	"github.com/gorilla/sessions"

	"github.com/sessionauth/sessionauth/infrastructure/cookiestore"
	"github.com/sessionauth/sessionauth/interfaces/web"
)

// sessionauthCookie is sessionauth's cookie backend: the session sealed in
// the visitor's cookies, behind the SessionMiddleware.
func sessionauthCookie(b *testing.B, e *redisEnv) *served {
	return sessionauthCookieWith(nil)(b, e)
}

// sessionauthCookieWith is sessionauthCookie whose sessions hold extra too.
func sessionauthCookieWith(extra map[string]any) func(b *testing.B, _ *redisEnv) *served {
	return func(b *testing.B, _ *redisEnv) *served {
		repo, err := cookiestore.New(cookiestore.Options{Name: "flamingo", Secrets: [][]byte{[]byte("bench secret of thirty-two bytes")},
			MaxAge: maxAge * time.Second, MaxSize: maxSize})
		if err != nil {
			b.Fatal(err)
		}
		mw := web.NewSessionMiddleware(repo, nil, web.SessionOptions{Name: "flamingo", MaxAge: maxAge * time.Second})
		return &served{handler: mw.Handler(appWith(sessionauthAccess{}, nil, extra)), cookie: "flamingo"}
	}
}

// gorillaCookie is gorilla's CookieStore, signed only (one key) or signed
// and encrypted (AES-256 with a second key), saved by the handler when it
// changed something, as gorilla's users do.
func gorillaCookie(encrypted bool, extra map[string]any) func(b *testing.B, _ *redisEnv) *served {
	return func(b *testing.B, _ *redisEnv) *served {
		keys := [][]byte{[]byte("bench hash key of thirty-two by.")}
		if encrypted {
			keys = append(keys, []byte("bench block key of 32 bytes....."[:32]))
		}
		store := sessions.NewCookieStore(keys...)
		store.MaxAge(maxAge)
		h := appWith(gorillaAccess{store}, func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/read" {
				return
			}
			if err := sessions.Save(r, w); err != nil {
				b.Error(err)
			}
		}, extra)
		return &served{handler: h, cookie: "session"}
	}
}

// loginTokens are values the size of the tokens a login at zitadel's
// provider leaves in a session (ID, access and refresh token): JWT-shaped
// text, so that both stores see what a logged-in session holds, and small
// enough for gorilla's single cookie of at most 4096 bytes.
func loginTokens() map[string]any {
	claims := base64.RawURLEncoding.EncodeToString([]byte(`{"iss":"https://login.example.com","sub":"312909385929883651","aud":["shop"],` +
		`"exp":1765000000,"iat":1764996400,"auth_time":1764996400,"amr":["pwd"],"azp":"shop","client_id":"shop","at_hash":"hfWbBF0ceVbU0R3ALNV7Kg",` +
		`"sid":"V1_312909385929883651","name":"Alice Liddell","given_name":"Alice","family_name":"Liddell","email":"alice@example.test","email_verified":true}`))
	sig := base64.RawURLEncoding.EncodeToString(bytes.Repeat([]byte{0x5a, 0x13, 0xc7}, 86))
	head := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"RS256","kid":"312909385929883652","typ":"JWT"}`))
	return map[string]any{
		"id_token":      head + "." + claims + "." + sig,
		"access_token":  head + "." + claims[:300] + "." + sig,
		"refresh_token": "5fUbMGC1PYuAHgDsLWxYFr8yFkeENcfWPSgL_vqjgbG7LHaqWtEg5uV0q6Gcrt",
	}
}
