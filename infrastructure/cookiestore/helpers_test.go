package cookiestore_test

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"testing"
	"time"

	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/infrastructure/cookiestore"
)

var (
	secretA = []byte("0123456789abcdef0123456789abcdef")
	secretB = []byte("fedcba9876543210fedcba9876543210")
)

func newRepo(t *testing.T, opts cookiestore.Options) *cookiestore.Repository {
	t.Helper()
	if opts.Secrets == nil {
		opts.Secrets = [][]byte{secretA}
	}
	r, err := cookiestore.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// save stores values in a new session and returns the cookies sent.
func save(t *testing.T, r *cookiestore.Repository, values map[string]any) []*http.Cookie {
	t.Helper()
	s := domain.NewSession()
	for k, v := range values {
		s.Store(k, v)
	}
	out, err := r.SaveCookies(context.Background(), s, nil)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// sent is what a browser sends back of set: the cookies not expired.
func sent(set []*http.Cookie) []*http.Cookie {
	var out []*http.Cookie
	for _, c := range set {
		if c.MaxAge >= 0 {
			out = append(out, &http.Cookie{Name: c.Name, Value: c.Value})
		}
	}
	return out
}

// random returns n random bytes as text that does not compress.
func random(n int) string {
	b := make([]byte, n*3/4+1)
	_, _ = rand.Read(b)
	return base64.RawStdEncoding.EncodeToString(b)[:n]
}

// clock is a settable clock for Options.Now.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }
