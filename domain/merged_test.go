package domain_test

import (
	"maps"
	"testing"
	"time"

	"github.com/sessionauth/sessionauth/domain"
)

func TestMergesOthers(t *testing.T) {
	loaded := map[string][]byte{"a": {1}, "b": {2}, "c": {3}}
	cases := []struct {
		name   string
		change func(*domain.Session)
		stored map[string][]byte
		want   bool
	}{
		{"stored as loaded", func(s *domain.Session) { s.Delete("c") }, loaded, false},
		{"this request set a key", func(s *domain.Session) { s.Store("a", "x") }, loaded, false},
		{"another request changed a key this one keeps", func(*domain.Session) {}, map[string][]byte{"a": {9}, "b": {2}, "c": {3}}, true},
		{"another request added a key", func(*domain.Session) {}, map[string][]byte{"a": {1}, "b": {2}, "c": {3}, "d": {4}}, true},
		{"another request deleted a key", func(*domain.Session) {}, map[string][]byte{"a": {1}, "b": {2}}, true},
		{"only keys this save writes differ", func(s *domain.Session) { s.Delete("c") }, map[string][]byte{"a": {1}, "b": {2}, "c": {7}}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			expiry := time.Now().Add(time.Hour)
			s := domain.RestoreSession(domain.NewSessionID(), loaded, expiry)
			c.change(s)
			ch, err := s.Changes(0)
			if err != nil {
				t.Fatal(err)
			}
			if !ch.LoadedExpiry.Equal(expiry) || ch.SavedSinceLoad(expiry) || !ch.SavedSinceLoad(expiry.Add(time.Second)) {
				t.Errorf("LoadedExpiry %v, loaded at %v", ch.LoadedExpiry, expiry)
			}
			if got := ch.MergesOthers(maps.All(c.stored)); got != c.want {
				t.Errorf("MergesOthers = %v, want %v", got, c.want)
			}
			ch.Merged = c.want
			s.Saved(ch, expiry)
			if s.MergedOthers() != c.want {
				t.Errorf("MergedOthers = %v after a save with Merged %v", s.MergedOthers(), c.want)
			}
		})
	}
}
