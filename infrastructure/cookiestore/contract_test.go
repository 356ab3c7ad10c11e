package cookiestore_test

import (
	"context"
	"net/http"
	"sync"
	"testing"

	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/infrastructure/cookiestore"
	"github.com/sessionauth/sessionauth/sessiontest"
)

// browsers puts a cookie repository behind the by-ID port the contract
// suite speaks: each session ID stands for one browser, which holds the
// cookies the last save of that session sent, as a browser does.
type browsers struct {
	repo *cookiestore.Repository
	mu   sync.Mutex
	jars map[string][]*http.Cookie
}

func (b *browsers) jar(id string) []*http.Cookie {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.jars[id]
}

func (b *browsers) Load(ctx context.Context, id string) (*domain.Session, error) {
	return b.repo.LoadCookies(ctx, b.jar(id))
}

func (b *browsers) Save(ctx context.Context, s *domain.Session) error {
	before := s.ID()
	out, err := b.repo.SaveCookies(ctx, s, b.jar(before))
	if err != nil {
		return err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	delete(b.jars, before)
	if !s.Destroyed() {
		b.jars[s.ID()] = sent(out)
	}
	return nil
}

func (b *browsers) Delete(_ context.Context, id string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	delete(b.jars, id)
	return nil
}

func TestContract(t *testing.T) {
	sessiontest.Run(t, func(t *testing.T, cfg sessiontest.Config) domain.SessionRepository {
		return &browsers{repo: newRepo(t, cookiestore.Options{MaxAge: cfg.MaxAge, MaxSize: cfg.MaxSize}), jars: map[string][]*http.Cookie{}}
	},
		sessiontest.WithCorrupter(func(t *testing.T, repo domain.SessionRepository, id string) {
			b := repo.(*browsers)
			b.mu.Lock()
			defer b.mu.Unlock()
			b.jars[id] = []*http.Cookie{{Name: "flamingo", Value: "1.not-a-sealed-session"}}
		}),
		sessiontest.WithInapplicable("a session lives whole in each browser's cookies: two saves of one session do not merge, the last response's cookies win, and no server copy can vanish or be regenerated meanwhile",
			"ConcurrentDisjointKeys", "RegenerateKeepsConcurrentWrites", "RegenerateRace", "VanishedIsNotRecreated", "RegenerateVanished"))
}
