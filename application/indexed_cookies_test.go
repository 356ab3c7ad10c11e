package application_test

import (
	"context"
	"testing"
	"time"

	"github.com/sessionauth/sessionauth/application"
	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/infrastructure/cookiestore"
	"github.com/sessionauth/sessionauth/infrastructure/memorystore"
)

// TestIndexedRepositoryKeepsSessionCookies: the index wrapper of a
// repository that keeps sessions in cookies is one too, so that the
// session middleware still hands it the cookies; a cookie repository
// without an index is not wrapped.
func TestIndexedRepositoryKeepsSessionCookies(t *testing.T) {
	store := memorystore.New(memorystore.Options{})
	t.Cleanup(func() { _ = store.Close() })
	secrets := [][]byte{[]byte("0123456789abcdef0123456789abcdef")}
	with, err := cookiestore.New(cookiestore.Options{Secrets: secrets, Revocation: store})
	if err != nil {
		t.Fatal(err)
	}
	repo := application.NewIndexedRepository(cookiestore.WithIndex(with), time.Hour)
	if _, ok := repo.(domain.SessionCookies); !ok {
		t.Fatalf("%T drops domain.SessionCookies", repo)
	}
	if _, ok := repo.(domain.SessionIndex); !ok {
		t.Fatalf("%T drops domain.SessionIndex", repo)
	}
	if again := application.NewIndexedRepository(repo, time.Hour); again != repo {
		t.Errorf("wrapped twice: %T", again)
	}
	s := domain.NewSession()
	s.Store("k", "v")
	out, err := repo.(domain.SessionCookies).SaveCookies(context.Background(), s, nil)
	if err != nil || len(out) == 0 {
		t.Fatalf("SaveCookies through the wrapper: %d cookies, %v", len(out), err)
	}
	without, err := cookiestore.New(cookiestore.Options{Secrets: secrets})
	if err != nil {
		t.Fatal(err)
	}
	if got := application.NewIndexedRepository(cookiestore.WithIndex(without), time.Hour); got != domain.SessionRepository(without) {
		t.Errorf("a cookie repository without revocation was wrapped: %T", got)
	}
}
