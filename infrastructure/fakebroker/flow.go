package fakebroker

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/url"
	"strings"

	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/infrastructure/oidcbroker"
)

func challenge(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

func random() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// Authorize is the login form's action: it checks username and password
// against the configured users and returns the callback URL with a fresh
// single-use code, the state and iss of query (the query AuthCodeURL
// made). Wrong credentials yield domain.ErrInvalidCredentials. The login
// is as strong as asked: its acr is the first of the query's acr_values,
// its auth_time now, so step-up routes work in development.
func (b *Broker) Authorize(username, password string, query url.Values) (string, error) {
	u, ok := b.user(username, password)
	if !ok {
		return "", fmt.Errorf("fake broker %q: authorize: %w", b.cfg.Broker, domain.ErrInvalidCredentials)
	}
	if query.Get("code_challenge_method") != "S256" || query.Get("code_challenge") == "" || query.Get("nonce") == "" {
		return "", fmt.Errorf("fake broker %q: authorize: PKCE S256 challenge and nonce are required", b.cfg.Broker)
	}
	code := random()
	b.mu.Lock()
	b.codes[code] = grant{user: u, nonce: query.Get("nonce"), challenge: query.Get("code_challenge"), expires: b.cfg.Now().Add(codeLifetime), authTime: b.cfg.Now(),
		acr: firstField(query.Get("acr_values"))}
	b.mu.Unlock()
	return b.callback(url.Values{"code": {code}, "state": {query.Get("state")}}), nil
}

// firstField is the first space-separated field of s, or "".
func firstField(s string) string {
	if f := strings.Fields(s); len(f) > 0 {
		return f[0]
	}
	return ""
}

// Deny returns the callback URL for a user who cancelled the login:
// error=access_denied with the state of query.
func (b *Broker) Deny(query url.Values) string {
	return b.callback(url.Values{"error": {"access_denied"}, "error_description": {"the user cancelled the login"}, "state": {query.Get("state")}})
}

func (b *Broker) callback(q url.Values) string {
	q.Set("iss", b.issuer)
	return b.cfg.RedirectURL + "?" + q.Encode()
}

// Exchange redeems a code minted by Authorize: single-use, within a
// minute, with the verifier of its challenge; see domain.IdentityProvider.
func (b *Broker) Exchange(ctx context.Context, code, pkceVerifier, nonce string) (*domain.Identity, error) {
	b.mu.Lock()
	g, ok := b.codes[code]
	delete(b.codes, code)
	b.mu.Unlock()
	if !ok || b.cfg.Now().After(g.expires) || challenge(pkceVerifier) != g.challenge {
		pe := &domain.ProviderError{Code: "invalid_grant", Description: "unknown, used or expired code, or wrong code_verifier"}
		return nil, fmt.Errorf("fake broker %q: exchange: %w: %w", b.cfg.Broker, domain.ErrInvalidCode, pe)
	}
	id, err := b.issue(ctx, g)
	if err != nil {
		return nil, fmt.Errorf("fake broker %q: exchange: %w", b.cfg.Broker, err)
	}
	if id.IDToken.Nonce != nonce || nonce == "" {
		return nil, fmt.Errorf("fake broker %q: exchange: %w", b.cfg.Broker, domain.ErrNonceMismatch)
	}
	return id, nil
}

// Refresh rotates the refresh token: the old one is rejected from now on.
func (b *Broker) Refresh(ctx context.Context, identity *domain.Identity) (*domain.Identity, error) {
	b.mu.Lock()
	g, ok := b.refresh[identity.RefreshToken]
	delete(b.refresh, identity.RefreshToken)
	b.mu.Unlock()
	if !ok {
		pe := &domain.ProviderError{Code: "invalid_grant", Description: "unknown or used refresh token"}
		return nil, fmt.Errorf("fake broker %q: refresh: %w: %w", b.cfg.Broker, domain.ErrRefreshRejected, pe)
	}
	g.nonce = ""
	id, err := b.issue(ctx, g)
	if err != nil {
		return nil, fmt.Errorf("fake broker %q: refresh: %w", b.cfg.Broker, err)
	}
	return id, nil
}

// issue mints access, refresh and ID token for g and verifies the ID
// token like a real provider's.
func (b *Broker) issue(ctx context.Context, g grant) (*domain.Identity, error) {
	now := b.cfg.Now()
	access, refresh := random(), random()
	raw, err := b.sign(idClaims(b.issuer, b.cfg.Broker, g, now, now.Add(b.cfg.TokenLifetime)))
	if err != nil {
		return nil, err
	}
	t, err := oidcbroker.Verify(ctx, oidcbroker.Verification{Verifier: b.verifier, ClientID: b.cfg.Broker, Now: b.cfg.Now}, raw, "")
	if err != nil {
		return nil, err
	}
	tok, err := oidcbroker.NewIDToken(t, raw)
	if err != nil {
		return nil, err
	}
	b.mu.Lock()
	b.refresh[refresh] = g
	b.access[access] = grant{user: g.user, expires: now.Add(b.cfg.TokenLifetime)}
	b.mu.Unlock()
	u := g.user.User
	u.Type = domain.UserTypeUser
	return &domain.Identity{
		Broker: b.cfg.Broker, Subject: u.Sub, AccessToken: access, TokenType: "Bearer", RefreshToken: refresh,
		Expiry: now.Add(b.cfg.TokenLifetime), IDToken: *tok, User: u, AuthTime: g.authTime, ACR: g.acr,
	}, nil
}

// Introspect tells a resource server who an access token belongs to, as
// token introspection (RFC 7662) does at a real provider: the user, while
// the token has not expired.
func (b *Broker) Introspect(accessToken string) (domain.User, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	g, ok := b.access[accessToken]
	if !ok || !b.cfg.Now().Before(g.expires) {
		return domain.User{}, false
	}
	u := g.user.User
	u.Type = domain.UserTypeUser
	return u, true
}
