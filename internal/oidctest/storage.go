package oidctest

import (
	"context"
	"errors"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/zitadel/oidc/v3/example/server/storage"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
	"golang.org/x/text/language"
)

// tokenStorage is zitadel's example storage (which rotates refresh tokens)
// with a configurable access token lifetime, registered post-logout
// redirect URIs and the public key of a private_key_jwt client.
type tokenStorage struct {
	*storage.Storage
	lifetime   time.Duration
	refreshed  time.Duration
	postLogout []string
	claimsInID bool
	clientKey  *jose.JSONWebKey
	auths      authentications
}

func (s *tokenStorage) expiry(exp time.Time) time.Time {
	if s.lifetime > 0 {
		return time.Now().Add(s.lifetime)
	}
	return exp
}

func (s *tokenStorage) CreateAccessToken(ctx context.Context, req op.TokenRequest) (string, time.Time, error) {
	id, exp, err := s.Storage.CreateAccessToken(ctx, req)
	return id, s.expiry(exp), err
}

func (s *tokenStorage) CreateAccessAndRefreshTokens(ctx context.Context, req op.TokenRequest, current string) (string, string, time.Time, error) {
	id, refresh, exp, err := s.Storage.CreateAccessAndRefreshTokens(ctx, req, current)
	if current != "" && s.refreshed > 0 {
		return id, refresh, time.Now().Add(s.refreshed), err
	}
	return id, refresh, s.expiry(exp), err
}

func (s *tokenStorage) GetClientByClientID(ctx context.Context, id string) (op.Client, error) {
	c, err := s.Storage.GetClientByClientID(ctx, id)
	if err != nil {
		return nil, err
	}
	return logoutClient{Client: c, postLogout: s.postLogout, claimsInID: s.claimsInID, jwt: s.clientKey != nil}, nil
}

// GetKeyByIDAndClientID serves the registered client's public key to the
// provider's check of client assertions.
func (s *tokenStorage) GetKeyByIDAndClientID(ctx context.Context, keyID, clientID string) (*jose.JSONWebKey, error) {
	if _, err := s.Storage.GetClientByClientID(ctx, clientID); err != nil || s.clientKey == nil || keyID != s.clientKey.KeyID {
		return nil, errors.New("oidctest: no such client key")
	}
	return s.clientKey, nil
}

// logoutClient adds post-logout redirect URIs to the example client, and
// the choice of the user's claims in the ID token.
type logoutClient struct {
	op.Client
	postLogout []string
	claimsInID bool
	jwt        bool // registered for private_key_jwt
}

func (c logoutClient) AuthMethod() oidc.AuthMethod {
	if c.jwt {
		return oidc.AuthMethodPrivateKeyJWT
	}
	return c.Client.AuthMethod()
}

func (c logoutClient) PostLogoutRedirectURIs() []string { return c.postLogout }

func (c logoutClient) IDTokenUserinfoClaimsAssertion() bool { return c.claimsInID }

// userStore serves the configured users to the example storage.
type userStore struct{ users []User }

func newUserStore(users []User) userStore { return userStore{users: users} }

func (s userStore) GetUserByID(id string) *storage.User {
	for _, u := range s.users {
		if u.ID == id {
			return toStorage(u)
		}
	}
	return nil
}

func (s userStore) GetUserByUsername(name string) *storage.User {
	for _, u := range s.users {
		if u.Username == name {
			return toStorage(u)
		}
	}
	return nil
}

func (s userStore) ExampleClientID() string { return "service" }

func toStorage(u User) *storage.User {
	return &storage.User{
		ID: u.ID, Username: u.Username, Password: u.Password,
		FirstName: u.FirstName, LastName: u.LastName,
		Email: u.Email, EmailVerified: true, PreferredLanguage: language.English,
	}
}
