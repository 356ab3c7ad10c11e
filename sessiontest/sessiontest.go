// Package sessiontest is the contract suite for domain.SessionRepository.
// Every repository of sessionauth passes it, and so should yours:
//
//	func TestMyRepository(t *testing.T) {
//		sessiontest.Run(t, func(t *testing.T, cfg sessiontest.Config) domain.SessionRepository {
//			return myrepo.New(cfg.MaxAge, cfg.MaxSize)
//		})
//	}
package sessiontest

import (
	"context"
	"encoding/gob"
	"testing"
	"time"

	"github.com/sessionauth/sessionauth/domain"
)

// Config is what the suite asks of a repository under test.
type Config struct {
	// MaxAge is how long a saved session lives without another save.
	MaxAge time.Duration
	// MaxSize is the limit of a session's encoded size in bytes; 0 means
	// none.
	MaxSize int
}

// Factory returns a new repository configured with cfg. It is called once
// per subtest; use t.Cleanup to release what it holds. The repositories it
// returns may share one backend (one Redis, one directory): the suite uses
// fresh IDs throughout, so they need not be isolated from each other.
type Factory func(t *testing.T, cfg Config) domain.SessionRepository

// Option adjusts Run.
type Option func(*suite)

// WithCorrupter lets the suite overwrite a stored session with bytes that
// are not a session, to check that Load answers with ErrSessionNotFound or a
// session, never a panic or a backend error.
func WithCorrupter(corrupt func(t *testing.T, repo domain.SessionRepository, id string)) Option {
	return func(s *suite) { s.corrupt = corrupt }
}

// Point is a registered custom type the suite stores.
type Point struct{ X, Y int }

// Basket is a registered custom type with a slice, changed in place.
type Basket struct{ Items []string }

// unregistered is deliberately not registered with gob.
type unregistered struct{ A int }

func init() {
	gob.Register(Point{})
	gob.Register(&Basket{})
}

// WithInapplicable leaves out the named cases, which cannot apply to the
// repository for reason (such as a repository that keeps each session in
// the visitor's cookies, with no server copy to merge concurrent saves
// into); Run logs each with the reason. Name every case you leave out in
// your repository's documentation.
func WithInapplicable(reason string, names ...string) Option {
	return func(s *suite) {
		if s.inapplicable == nil {
			s.inapplicable = map[string]string{}
		}
		for _, n := range names {
			s.inapplicable[n] = reason
		}
	}
}

type suite struct {
	newRepo      Factory
	corrupt      func(t *testing.T, repo domain.SessionRepository, id string)
	inapplicable map[string]string // case name: why it cannot apply
}

// defaultConfig is long enough that nothing expires during a subtest.
var defaultConfig = Config{MaxAge: time.Hour}

// Run runs the contract suite as subtests of t.
func Run(t *testing.T, newRepo Factory, opts ...Option) {
	t.Helper()
	s := &suite{newRepo: newRepo}
	for _, o := range opts {
		o(s)
	}
	tests := []struct {
		name string
		run  func(*testing.T)
	}{
		{"NotFound", s.testNotFound},
		{"RoundTrip", s.testRoundTrip},
		{"Isolation", s.testIsolation},
		{"UpdateAndDelete", s.testUpdateAndDelete},
		{"ChangedInPlace", s.testChangedInPlace},
		{"SaveWithoutChanges", s.testSaveWithoutChanges},
		{"Expiry", s.testExpiry},
		{"SaveRefreshesExpiry", s.testSaveRefreshesExpiry},
		{"AbsoluteEnd", s.testAbsoluteEnd},
		{"ConcurrentDisjointKeys", s.testConcurrentDisjointKeys},
		{"Regenerate", s.testRegenerate},
		{"RegenerateNew", s.testRegenerateNew},
		{"RegenerateKeepsConcurrentWrites", s.testRegenerateKeepsConcurrentWrites},
		{"RegenerateRace", s.testRegenerateRace},
		{"Destroy", s.testDestroy},
		{"VanishedIsNotRecreated", s.testVanished},
		{"RegenerateVanished", s.testRegenerateVanished},
		{"SizeLimit", s.testSizeLimit},
		{"NotEncodable", s.testNotEncodable},
		{"Garbage", s.testGarbage},
		{"Index", s.testIndex},
	}
	for _, tc := range tests {
		if reason, ok := s.inapplicable[tc.name]; ok {
			t.Logf("%s: left out, it cannot apply: %s", tc.name, reason)
			continue
		}
		t.Run(tc.name, tc.run)
	}
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}
