package domain_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/sessionauth/sessionauth/domain"
)

type notRegistered struct{ A int }

func TestValueRoundTrip(t *testing.T) {
	values := []any{
		nil, "", "héllo", []byte{}, []byte{1, 2}, 0, -1, 1 << 40, int64(-5), 3.5, true, false,
		[]any{"a", 1}, map[string]any{"k": 1.5}, time.Unix(1, 0).UTC(), uint8(7),
	}
	for _, v := range values {
		b, err := domain.EncodeValue(v)
		if err != nil {
			t.Fatalf("EncodeValue(%#v): %v", v, err)
		}
		got, err := domain.DecodeValue(b)
		if err != nil {
			t.Fatalf("DecodeValue(EncodeValue(%#v)): %v", v, err)
		}
		if !reflect.DeepEqual(got, v) {
			t.Fatalf("round trip of %#v (%T) gave %#v (%T)", v, v, got, got)
		}
	}
}

func TestEncodeUnregisteredType(t *testing.T) {
	_, err := domain.EncodeValue(notRegistered{A: 1})
	if !errors.Is(err, domain.ErrValueNotEncodable) {
		t.Fatalf("err = %v, want ErrValueNotEncodable", err)
	}
	for _, want := range []string{"domain_test.notRegistered", "gob.Register"} {
		if !strings.Contains(err.Error(), want) {
			t.Fatalf("error %q does not mention %q", err, want)
		}
	}
}

func TestDecodeGarbage(t *testing.T) {
	for _, b := range [][]byte{nil, {}, {'x'}, {'i'}, {'i', 0xff}, {'f', 1}, {'g', 1, 2, 3}} {
		if _, err := domain.DecodeValue(b); err == nil {
			t.Fatalf("DecodeValue(%q) = nil error", b)
		}
	}
}

func TestChangesAndModified(t *testing.T) {
	enc := func(v any) []byte { b, _ := domain.EncodeValue(v); return b }
	s := domain.RestoreSession(domain.NewSessionID(), map[string][]byte{
		"keep": enc("k"), "change": enc(1), "drop": enc(true), "list": enc([]any{"a"}), "bad": []byte("?"),
	}, time.Now().Add(time.Hour))
	if s.Modified() {
		t.Fatal("a restored session reports Modified()")
	}
	if got := s.UndecodableKeys(); !reflect.DeepEqual(got, []string{"bad"}) {
		t.Fatalf("UndecodableKeys() = %v", got)
	}
	s.Values["change"] = 2
	delete(s.Values, "drop")
	s.Values["list"].([]any)[0] = "b"
	if !s.Modified() {
		t.Fatal("Modified() = false after changes")
	}
	c, err := s.Changes(0)
	if err != nil {
		t.Fatal(err)
	}
	if c.New || c.Destroy || c.PreviousID != "" {
		t.Fatalf("unexpected flags %+v", c)
	}
	if len(c.Set) != 2 || c.Set["change"] == nil || c.Set["list"] == nil {
		t.Fatalf("Set = %v, want change and list", c.Set)
	}
	if !reflect.DeepEqual(c.Deleted, []string{"drop"}) {
		t.Fatalf("Deleted = %v, want [drop]", c.Deleted)
	}
	if _, ok := c.All["bad"]; !ok {
		t.Fatal("an undecodable value must stay in All (it is kept, not deleted)")
	}
	s.Saved(c, time.Now().Add(time.Hour))
	if s.Modified() {
		t.Fatal("Modified() = true right after Saved")
	}
}

func TestChangesSizeLimit(t *testing.T) {
	s := domain.NewSession()
	s.Values["big"] = strings.Repeat("x", 100)
	if _, err := s.Changes(50); !errors.Is(err, domain.ErrSessionTooLarge) {
		t.Fatalf("err = %v, want ErrSessionTooLarge", err)
	}
	if _, err := s.Changes(200); err != nil {
		t.Fatalf("under the limit: %v", err)
	}
}

func TestNewSessionStaysUnmodifiedWhileEmpty(t *testing.T) {
	s := domain.NewSession()
	if s.Modified() {
		t.Fatal("an empty new session reports Modified()")
	}
	s.Store("a", 1)
	if !s.Modified() {
		t.Fatal("a new session with a value does not report Modified()")
	}
}

func TestFlashes(t *testing.T) {
	s := domain.NewSession()
	s.AddFlash("one")
	s.AddFlash("two")
	s.AddFlash("err", "errors")
	if got := s.Flashes(); !reflect.DeepEqual(got, []any{"one", "two"}) {
		t.Fatalf("Flashes() = %v", got)
	}
	if got := s.Flashes(); got != nil {
		t.Fatalf("second Flashes() = %v, want none", got)
	}
	if got := s.Flashes("errors"); !reflect.DeepEqual(got, []any{"err"}) {
		t.Fatalf(`Flashes("errors") = %v`, got)
	}
}

func TestRegenerateAndDestroy(t *testing.T) {
	s := domain.RestoreSession(domain.NewSessionID(), nil, time.Now().Add(time.Hour))
	old := s.ID()
	s.Regenerate()
	c, err := s.Changes(0)
	if err != nil {
		t.Fatal(err)
	}
	if c.PreviousID != old || c.ID == old || !c.New || !domain.ValidSessionID(c.ID) {
		t.Fatalf("Changes after Regenerate = %+v (old ID %s)", c, old)
	}
	s.Destroy()
	if c, _ := s.Changes(0); !c.Destroy {
		t.Fatal("Changes after Destroy has Destroy = false")
	}
}

func TestValidSessionID(t *testing.T) {
	if !domain.ValidSessionID(domain.NewSessionID()) {
		t.Fatal("NewSessionID is not valid")
	}
	for _, id := range []string{"", "short", strings.Repeat("a", 42) + "/", strings.Repeat("a", 44)} {
		if domain.ValidSessionID(id) {
			t.Fatalf("ValidSessionID(%q) = true", id)
		}
	}
	pad := strings.Repeat("a", domain.SessionIDLength-1)
	for _, c := range "azAZ09-_" {
		if !domain.ValidSessionID(pad + string(c)) {
			t.Errorf("ValidSessionID with %q = false", c)
		}
	}
	for _, c := range "`{@[/:=+. \x00" {
		if domain.ValidSessionID(pad + string(c)) {
			t.Errorf("ValidSessionID with %q = true", c)
		}
	}
}

func TestMapsAreNotReportedChangedWhenUntouched(t *testing.T) {
	m := map[string]any{}
	for i := 0; i < 16; i++ {
		m[string(rune('a'+i))] = i
	}
	enc, err := domain.EncodeValue(m)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 50; i++ {
		s := domain.RestoreSession(domain.NewSessionID(), map[string][]byte{"m": enc}, time.Now().Add(time.Hour))
		if s.Modified() {
			t.Fatal("an untouched map is reported as modified")
		}
		c, err := s.Changes(0)
		if err != nil {
			t.Fatal(err)
		}
		if len(c.Set) != 0 {
			t.Fatalf("an untouched map is in Set: %v", c.Set)
		}
	}
	s := domain.RestoreSession(domain.NewSessionID(), map[string][]byte{"m": enc}, time.Now().Add(time.Hour))
	s.Values["m"].(map[string]any)["a"] = 100
	if !s.Modified() {
		t.Fatal("a map changed in place is not reported as modified")
	}
}

func TestModifiedDoesNotAllocateForUnchangedScalars(t *testing.T) {
	data := map[string][]byte{}
	for i, v := range []any{"a string", 42, true, 1.5} {
		b, _ := domain.EncodeValue(v)
		data[string(rune('a'+i))] = b
	}
	s := domain.RestoreSession(domain.NewSessionID(), data, time.Now().Add(time.Hour))
	if n := testing.AllocsPerRun(100, func() { s.Modified() }); n != 0 {
		t.Fatalf("Modified allocates %v times per call for unchanged scalars", n)
	}
}

func TestEncodeHints(t *testing.T) {
	tests := []struct {
		v    any
		want string
	}{
		{notRegistered{}, "gob.Register(domain_test.notRegistered{})"},
		{&notRegistered{}, "gob.Register(&domain_test.notRegistered{})"},
		{(*notRegistered)(nil), "nil pointer"},
	}
	for _, tc := range tests {
		_, err := domain.EncodeValue(tc.v)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("EncodeValue(%#v) = %v, want an error containing %q", tc.v, err, tc.want)
		}
	}
}
