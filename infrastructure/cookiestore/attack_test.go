package cookiestore_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/infrastructure/cookiestore"
)

// chunks returns the cookies of a fresh three-chunk session of r.
func chunks(t *testing.T, r *cookiestore.Repository) []*http.Cookie {
	t.Helper()
	cs := sent(save(t, r, map[string]any{"big": random(9000)}))
	if len(cs) != 3 {
		t.Fatalf("%d chunks, want 3", len(cs))
	}
	return cs
}

func with(cs []*http.Cookie, i int, value string) []*http.Cookie {
	out := append([]*http.Cookie(nil), cs...)
	out[i] = &http.Cookie{Name: cs[i].Name, Value: value}
	return out
}

func TestAttacksAreUnknownCookies(t *testing.T) {
	opts := cookiestore.Options{MaxBytes: 16384}
	r := newRepo(t, opts)
	a, b := chunks(t, r), chunks(t, r)
	flip := func(v string, i int) string {
		c := byte('A')
		if v[i] == 'A' {
			c = 'B'
		}
		return v[:i] + string(c) + v[i+1:]
	}
	renamed := func(cs []*http.Cookie, from, to string) []*http.Cookie {
		var out []*http.Cookie
		for _, c := range cs {
			out = append(out, &http.Cookie{Name: strings.Replace(c.Name, from, to, 1), Value: c.Value})
		}
		return out
	}
	other := newRepo(t, cookiestore.Options{MaxBytes: 16384, Name: "shop"})
	rotatedOut := newRepo(t, cookiestore.Options{MaxBytes: 16384, Secrets: [][]byte{secretB}})
	huge := make([]*http.Cookie, 0, 20000)
	huge = append(huge, &http.Cookie{Name: "flamingo", Value: "9999." + random(3000)})
	for i := 1; i < 20000; i++ {
		huge = append(huge, &http.Cookie{Name: "flamingo." + string(rune('1'+i%9)), Value: random(50)})
	}
	cases := []struct {
		name    string
		cookies []*http.Cookie
		why     string // in the error: the check that refused
	}{
		{"tampered first chunk", with(a, 0, flip(a[0].Value, 40)), "sealed with another key"},
		{"tampered middle chunk", with(a, 1, flip(a[1].Value, 100)), "sealed with another key"},
		{"truncated: last chunk missing", a[:2], "2 of 3 chunks"},
		{"truncated value", with(a, 2, a[2].Value[:len(a[2].Value)-4]), "sealed with another key"},
		{"reordered", []*http.Cookie{a[0], {Name: a[1].Name, Value: a[2].Value}, {Name: a[2].Name, Value: a[1].Value}}, "sealed with another key"},
		{"duplicated chunk", with(a, 2, a[1].Value), "sealed with another key"},
		{"mixed generations", []*http.Cookie{a[0], b[1], a[2]}, "sealed with another key"},
		{"count of 10000", with(a, 0, "10000."+strings.SplitN(a[0].Value, ".", 2)[1]), "bad chunk count"},
		{"count of 0", with(a, 0, "0."+strings.SplitN(a[0].Value, ".", 2)[1]), "bad chunk count"},
		{"count of -1", with(a, 0, "-1."+strings.SplitN(a[0].Value, ".", 2)[1]), "bad chunk count"},
		{"no count", with(a, 0, strings.SplitN(a[0].Value, ".", 2)[1]), "bad chunk count"},
		{"oversize chunks", with(a, 1, a[1].Value+random(20000)), "over 16384 bytes"},
		{"oversize Cookie header", huge, "bad chunk count"},
		{"another name", renamed(sent(save(t, other, map[string]any{"k": "v"})), "shop", "flamingo"), "for another cookie name"},
		{"rotated-out key", sent(save(t, rotatedOut, map[string]any{"k": "v"})), "sealed with another key"},
		{"garbage", []*http.Cookie{{Name: "flamingo", Value: "1.%%%"}}, "malformed"},
		{"empty", []*http.Cookie{{Name: "flamingo", Value: ""}}, "none"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, err := r.LoadCookies(context.Background(), tc.cookies)
			if !errors.Is(err, domain.ErrSessionNotFound) || s != nil {
				t.Fatalf("got a session %v and error %v, want ErrSessionNotFound", s != nil, err)
			}
			if !strings.Contains(err.Error(), tc.why) {
				t.Fatalf("refused for %q, want %q", err, tc.why)
			}
		})
	}
	if _, err := r.LoadCookies(context.Background(), a); err != nil {
		t.Fatalf("the untouched set does not open: %v", err)
	}
}

func TestErrorsHoldNoCookieFragment(t *testing.T) {
	r := newRepo(t, cookiestore.Options{MaxBytes: 16384})
	a := chunks(t, r)
	_, err := r.LoadCookies(context.Background(), with(a, 1, a[1].Value[:200]))
	for _, c := range a {
		if strings.Contains(err.Error(), c.Value[10:26]) {
			t.Fatalf("error %q holds part of cookie %s", err, c.Name)
		}
	}
}

func TestKeyRotation(t *testing.T) {
	old := newRepo(t, cookiestore.Options{})
	rotated := newRepo(t, cookiestore.Options{Secrets: [][]byte{secretB, secretA}})
	current := newRepo(t, cookiestore.Options{Secrets: [][]byte{secretB}})
	cs := sent(save(t, old, map[string]any{"k": "v"}))
	s, err := rotated.LoadCookies(context.Background(), cs)
	if err != nil {
		t.Fatalf("a cookie of the previous key does not open: %v", err)
	}
	if time.Until(s.ExpiresAt()) > 0 {
		t.Errorf("a cookie of the previous key expires at %v: want now, so that it is sealed again", s.ExpiresAt())
	}
	out, err := rotated.SaveCookies(context.Background(), s, cs)
	if err != nil {
		t.Fatal(err)
	}
	s2, err := current.LoadCookies(context.Background(), sent(out))
	if err != nil || s2.Try("k") != "v" || s2.ID() != s.ID() {
		t.Fatalf("the resealed cookie does not open with the current key alone: %v", err)
	}
	if _, err := current.LoadCookies(context.Background(), cs); !errors.Is(err, domain.ErrSessionNotFound) {
		t.Fatalf("the old cookie opens without its key: %v", err)
	}
}

func TestLifetimes(t *testing.T) {
	clk := &clock{t: time.Now()}
	r := newRepo(t, cookiestore.Options{MaxAge: time.Hour, Now: clk.now})
	s := domain.NewSession()
	s.Store("k", "v")
	s.EndBy(clk.t.Add(90 * time.Minute))
	cs, err := r.SaveCookies(context.Background(), s, nil)
	if err != nil {
		t.Fatal(err)
	}
	load := func(at time.Duration, cs []*http.Cookie) (*domain.Session, error) {
		clk.t = clk.t.Add(at)
		return r.LoadCookies(context.Background(), sent(cs))
	}
	if _, err := load(59*time.Minute, cs); err != nil {
		t.Fatalf("within the idle lifetime: %v", err)
	}
	if _, err := load(2*time.Minute, cs); !errors.Is(err, domain.ErrSessionNotFound) {
		t.Fatalf("after the idle lifetime the copy still opens: %v", err)
	}
	// Saved again at 59 minutes, the session lives on until its absolute end
	// at 90, not until 119.
	clk.t = clk.t.Add(-2 * time.Minute)
	s, err = load(0, cs)
	if err != nil {
		t.Fatal(err)
	}
	s.Store("k", "w")
	cs, err = r.SaveCookies(context.Background(), s, sent(cs))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := load(32*time.Minute, cs); !errors.Is(err, domain.ErrSessionNotFound) {
		t.Fatalf("after the absolute end the copy still opens: %v", err)
	}
}

// TestIdleLifetimeFromSealTime: the idle lifetime counts from the time in
// the cookie's header, so lowering flamingo.session.max.age takes effect
// on the cookies out there, and a cookie sealed in the future is refused.
func TestIdleLifetimeFromSealTime(t *testing.T) {
	clk := &clock{t: time.Now()}
	long := newRepo(t, cookiestore.Options{MaxAge: time.Hour, Now: clk.now})
	short := newRepo(t, cookiestore.Options{MaxAge: 10 * time.Minute, Now: clk.now})
	cs := sent(save(t, long, map[string]any{"k": "v"}))
	clk.t = clk.t.Add(11 * time.Minute)
	if _, err := long.LoadCookies(context.Background(), cs); err != nil {
		t.Fatalf("within an hour: %v", err)
	}
	if _, err := short.LoadCookies(context.Background(), cs); !errors.Is(err, domain.ErrSessionNotFound) {
		t.Fatalf("11 minutes after the seal, with max.age lowered to 10: %v", err)
	}
	clk.t = clk.t.Add(-20 * time.Minute)
	if _, err := long.LoadCookies(context.Background(), cs); !errors.Is(err, domain.ErrSessionNotFound) {
		t.Fatalf("sealed 9 minutes in the future: %v", err)
	}
}
