package cookiestore_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/infrastructure/cookiestore"
)

func TestRoundTrip(t *testing.T) {
	r := newRepo(t, cookiestore.Options{})
	set := save(t, r, map[string]any{"cart": "3 items", "n": 42})
	s, err := r.LoadCookies(context.Background(), sent(set))
	if err != nil {
		t.Fatal(err)
	}
	if s.Try("cart") != "3 items" || s.Try("n") != 42 || s.IsNew() {
		t.Fatalf("loaded %v", s.Values)
	}
}

func TestEveryLineWithinLimit(t *testing.T) {
	long := strings.Repeat("a", 60) + ".example.com"
	r := newRepo(t, cookiestore.Options{MaxBytes: 16384, Cookie: cookiestore.CookieOptions{
		Path: "/" + strings.Repeat("p", 200), Domain: long, Secure: true, SameSite: http.SameSiteNoneMode}})
	set := save(t, r, map[string]any{"big": random(12000)})
	if len(set) < 4 {
		t.Fatalf("%d cookies for 12000 random bytes, want at least 4", len(set))
	}
	for i, c := range set {
		line := "Set-Cookie: " + c.String()
		if len(line) > cookiestore.MaxLine {
			t.Errorf("cookie %d: line of %d bytes", i, len(line))
		}
		if want := chunkName("flamingo", i); c.Name != want {
			t.Errorf("cookie %d named %q, want %q", i, c.Name, want)
		}
	}
	if _, err := r.LoadCookies(context.Background(), sent(set)); err != nil {
		t.Fatal(err)
	}
}

func chunkName(name string, i int) string {
	if i == 0 {
		return name
	}
	return name + "." + string(rune('0'+i))
}

func TestShrinkExpiresChunks(t *testing.T) {
	r := newRepo(t, cookiestore.Options{MaxBytes: 16384})
	big := sent(save(t, r, map[string]any{"big": random(9000)}))
	s, err := r.LoadCookies(context.Background(), big)
	if err != nil {
		t.Fatal(err)
	}
	s.Store("big", "small")
	out, err := r.SaveCookies(context.Background(), s, big)
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != len(big) || out[0].MaxAge <= 0 {
		t.Fatalf("got %d cookies for %d sent, want as many (one live, the rest expired)", len(out), len(big))
	}
	for _, c := range out[1:] {
		if c.MaxAge >= 0 {
			t.Errorf("chunk %s not expired: Max-Age %d", c.Name, c.MaxAge)
		}
	}
}

func TestOverCap(t *testing.T) {
	r := newRepo(t, cookiestore.Options{})
	s := domain.NewSession()
	s.Store("big", random(cookiestore.DefaultMaxBytes))
	out, err := r.SaveCookies(context.Background(), s, nil)
	if !errors.Is(err, domain.ErrSessionTooLarge) || out != nil {
		t.Fatalf("got %d cookies, err %v; want none and ErrSessionTooLarge", len(out), err)
	}
	if !s.IsNew() {
		t.Error("the session counts as saved")
	}
}

func TestCompression(t *testing.T) {
	values := map[string]any{"text": strings.Repeat("the same words again ", 200)}
	on := headerBytes(save(t, newRepo(t, cookiestore.Options{}), values))
	off := headerBytes(save(t, newRepo(t, cookiestore.Options{NoCompression: true, MaxBytes: 16384}), values))
	if on*4 > off {
		t.Fatalf("compressed %d bytes, uncompressed %d: want at most a quarter", on, off)
	}
}

// TestCompressionOnlyToSaveACookie: DEFLATE costs most of a save's time,
// so a session that fits one cookie without it is stored uncompressed,
// and one that takes a cookie less with it is compressed.
func TestCompressionOnlyToSaveACookie(t *testing.T) {
	for _, c := range []struct {
		repeat  int
		cookies int
		deflate bool
	}{{100, 1, false}, {200, 1, true}} {
		values := map[string]any{"text": strings.Repeat("the same words again ", c.repeat)}
		on := save(t, newRepo(t, cookiestore.Options{}), values)
		off := save(t, newRepo(t, cookiestore.Options{NoCompression: true, MaxBytes: 16384}), values)
		if len(on) != c.cookies {
			t.Errorf("%d bytes of text: %d cookies, want %d", 21*c.repeat, len(on), c.cookies)
		}
		if deflated := headerBytes(on) < headerBytes(off)/2; deflated != c.deflate {
			t.Errorf("%d bytes of text: %d bytes in cookies, %d without compression; want DEFLATE used: %v",
				21*c.repeat, headerBytes(on), headerBytes(off), c.deflate)
		}
	}
}

func headerBytes(cs []*http.Cookie) int {
	n := 0
	for _, c := range cs {
		n += len(c.Name) + len(c.Value) + 3
	}
	return n
}

func TestDestroyExpiresAll(t *testing.T) {
	r := newRepo(t, cookiestore.Options{MaxBytes: 16384})
	set := sent(save(t, r, map[string]any{"big": random(9000)}))
	s, err := r.LoadCookies(context.Background(), set)
	if err != nil {
		t.Fatal(err)
	}
	s.Destroy()
	out, err := r.SaveCookies(context.Background(), s, set)
	if err != nil || len(out) != len(set) {
		t.Fatalf("got %d cookies, err %v; want %d expired", len(out), err, len(set))
	}
	for _, c := range out {
		if c.MaxAge >= 0 || c.Value != "" {
			t.Errorf("cookie %s not expired", c.Name)
		}
	}
}
