package sessionauth_test

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/golang/mock/gomock"

	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/interfaces/web"
	"github.com/sessionauth/sessionauth/mocks"
)

// The snippets of docs/testing.md that live in this package.

// checkout is the service under test: it saves the session and tells why
// it could not.
func checkout(ctx context.Context, repo domain.SessionRepository, s *domain.Session) error {
	s.Store("ordered", true)
	if err := repo.Save(ctx, s); err != nil {
		return fmt.Errorf("checkout: %w", err)
	}
	return nil
}

// snippet testing-mock
func TestCheckout(t *testing.T) {
	ctrl := gomock.NewController(t)
	repo := mocks.NewMockSessionRepository(ctrl)
	repo.EXPECT().Save(gomock.Any(), gomock.Any()).Return(errors.New("redis down"))
	// construct your service with repo and assert how it handles the failure
	err := checkout(context.Background(), repo, domain.NewSession())
	if err == nil || !strings.Contains(err.Error(), "redis down") {
		t.Errorf("checkout: %v, want the repository's error", err)
	}
}

// snippet end

func Example_testingContext() {
	// snippet testing-context
	s := domain.NewSession()
	s.Store("user", "alice")
	req := httptest.NewRequest("GET", "/", nil)
	req = req.WithContext(web.ContextWithSession(req.Context(), s))
	// snippet end
	fmt.Println(web.SessionFromContext(req.Context()).Try("user"))
	// Output:
	// alice
}
