package oidcbroker

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/sessionauth/sessionauth/domain"
)

// Exchange redeems the code with the PKCE verifier and verifies the ID
// token and its nonce; see domain.IdentityProvider.
func (b *Broker) Exchange(ctx context.Context, code, pkceVerifier, nonce string) (*domain.Identity, error) {
	d, err := b.discover(ctx)
	if err != nil {
		return nil, err
	}
	oc, err := b.oauthConfig(ctx, d)
	if err != nil {
		return nil, err
	}
	tok, err := oc.Exchange(b.tokenContext(ctx, d), code, oauth2.VerifierOption(pkceVerifier))
	if err != nil {
		return nil, fmt.Errorf("oidc broker %q: exchange: %w", b.cfg.Broker, providerError(err))
	}
	idt, err := b.verify(ctx, d, tok)
	if err != nil {
		return nil, fmt.Errorf("oidc broker %q: exchange: %w", b.cfg.Broker, err)
	}
	if subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(nonce)) != 1 || nonce == "" {
		return nil, fmt.Errorf("oidc broker %q: exchange: %w", b.cfg.Broker, domain.ErrNonceMismatch)
	}
	id := &domain.Identity{Broker: b.cfg.Broker}
	if err := b.fill(ctx, d, id, tok, idt); err != nil {
		return nil, fmt.Errorf("oidc broker %q: exchange: %w", b.cfg.Broker, err)
	}
	if id.AuthTime, id.ACR, err = authentication(idt); err != nil {
		return nil, fmt.Errorf("oidc broker %q: exchange: %w", b.cfg.Broker, err)
	}
	return id, nil
}

// Refresh redeems the identity's refresh token; see domain.IdentityProvider.
func (b *Broker) Refresh(ctx context.Context, identity *domain.Identity) (*domain.Identity, error) {
	if identity.RefreshToken == "" {
		return nil, fmt.Errorf("oidc broker %q: refresh: %w: no refresh token (enable offline tokens)", b.cfg.Broker, domain.ErrRefreshRejected)
	}
	d, err := b.discover(ctx)
	if err != nil {
		return nil, err
	}
	tok, err := d.oauth.TokenSource(b.tokenContext(ctx, d), &oauth2.Token{RefreshToken: identity.RefreshToken}).Token()
	if err != nil {
		return nil, fmt.Errorf("oidc broker %q: refresh: %w", b.cfg.Broker, refreshError(err))
	}
	next := *identity
	var idt *oidc.IDToken
	if raw, _ := tok.Extra("id_token").(string); raw != "" {
		if idt, err = b.verify(ctx, d, tok); err != nil {
			return nil, fmt.Errorf("oidc broker %q: refresh: %w", b.cfg.Broker, err)
		}
		if idt.Subject != identity.Subject {
			return nil, fmt.Errorf("oidc broker %q: refresh: %w: subject changed", b.cfg.Broker, domain.ErrInvalidIDToken)
		}
	}
	if err := b.fill(ctx, d, &next, tok, idt); err != nil {
		return nil, fmt.Errorf("oidc broker %q: refresh: %w", b.cfg.Broker, err)
	}
	if idt == nil && len(b.cfg.Claims.UserInfo) > 0 {
		// No new ID token: the claims are renewed from userinfo alone.
		info, err := b.userInfo(ctx, d, tok, next.Subject)
		if err != nil {
			return nil, fmt.Errorf("oidc broker %q: refresh: %w", b.cfg.Broker, err)
		}
		next.User = b.cfg.Claims.User(&next.IDToken, info)
	}
	return &next, nil
}

// authentication returns the auth_time and acr claims of a verified ID
// token: when and how the user authenticated at the provider. Either may
// be missing (zero); one of another type fails verification.
func authentication(idt *oidc.IDToken) (time.Time, string, error) {
	var c struct {
		AuthTime *float64 `json:"auth_time"`
		ACR      *string  `json:"acr"`
	}
	if err := idt.Claims(&c); err != nil {
		return time.Time{}, "", fmt.Errorf("%w: auth_time must be a number and acr a string: %v", domain.ErrInvalidIDToken, err)
	}
	var at time.Time
	if c.AuthTime != nil && *c.AuthTime > 0 {
		sec := int64(*c.AuthTime)
		at = time.Unix(sec, 0)
	}
	var acr string
	if c.ACR != nil {
		acr = *c.ACR
	}
	return at, acr, nil
}

// fill copies the tokens into id and, when there is a new ID token, its
// claims and the mapped user.
func (b *Broker) fill(ctx context.Context, d *discovery, id *domain.Identity, tok *oauth2.Token, idt *oidc.IDToken) error {
	id.AccessToken, id.TokenType, id.Expiry = tok.AccessToken, tok.Type(), tok.Expiry
	if tok.RefreshToken != "" {
		id.RefreshToken = tok.RefreshToken
	}
	if idt == nil {
		return nil
	}
	raw, _ := tok.Extra("id_token").(string)
	token, err := NewIDToken(idt, raw)
	if err != nil {
		return err
	}
	id.Subject, id.IDToken = idt.Subject, *token
	info, err := b.userInfo(ctx, d, tok, idt.Subject)
	if err != nil {
		return err
	}
	id.User = b.cfg.Claims.User(token, info)
	if missing := b.cfg.Claims.missingProfile(id.User); len(missing) > 0 {
		if info == nil {
			info = b.profile(ctx, d, tok, idt.Subject)
		}
		apply(&id.User, missing, info)
	}
	return nil
}

// profile returns the userinfo claims for the profile fields the ID token
// left empty: with the authorization code flow a provider may return the
// claims of the profile and email scopes at the userinfo endpoint only
// (OpenID Connect Core 1.0, section 5.4), as zitadel does by default. The
// profile is optional: a provider without the endpoint, a failed request or
// a response about another subject yields nil, and the login goes on with
// what the ID token has.
func (b *Broker) profile(ctx context.Context, d *discovery, tok *oauth2.Token, sub string) map[string]any {
	if d.provider.UserInfoEndpoint() == "" {
		return nil
	}
	info, err := d.provider.UserInfo(b.clientContext(ctx), oauth2.StaticTokenSource(tok))
	if err != nil || info.Subject != sub {
		return nil
	}
	claims := map[string]any{}
	if info.Claims(&claims) != nil {
		return nil
	}
	return claims
}

// userInfo fetches the userinfo claims when the mapping asks for them; the
// response must be about sub, the ID token's subject.
func (b *Broker) userInfo(ctx context.Context, d *discovery, tok *oauth2.Token, sub string) (map[string]any, error) {
	if len(b.cfg.Claims.UserInfo) == 0 {
		return nil, nil
	}
	info, err := d.provider.UserInfo(b.clientContext(ctx), oauth2.StaticTokenSource(tok))
	if err != nil {
		return nil, fmt.Errorf("userinfo: %w", err)
	}
	if info.Subject != sub {
		return nil, fmt.Errorf("userinfo: %w: subject %q is not the ID token's %q", domain.ErrInvalidIDToken, info.Subject, sub)
	}
	claims := map[string]any{}
	if err := info.Claims(&claims); err != nil {
		return nil, fmt.Errorf("userinfo: %w", err)
	}
	return claims, nil
}

// verify checks the ID token of a token response with the provider's keys
// and returns it; see Verify.
func (b *Broker) verify(ctx context.Context, d *discovery, tok *oauth2.Token) (*oidc.IDToken, error) {
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return nil, fmt.Errorf("%w: the token response has no id_token", domain.ErrInvalidIDToken)
	}
	return Verify(b.clientContext(ctx), Verification{
		Verifier: d.verifier, ClientID: b.cfg.ClientID, Now: b.cfg.now, ClockSkew: b.cfg.clockSkew(),
	}, raw, tok.AccessToken)
}

// Verification is what Verify checks an ID token with.
type Verification struct {
	// Verifier checks signature, algorithm, issuer, audience and expiry.
	Verifier *oidc.IDTokenVerifier
	// ClientID is the only authorized party accepted.
	ClientID string
	// Now is the clock for iat; nil means time.Now.
	Now func() time.Time
	// ClockSkew is how far in the future iat may lie; zero means
	// DefaultClockSkew.
	ClockSkew time.Duration
}

// DefaultClockSkew is how far in the future an ID token's iat may lie
// unless configured otherwise: the provider's clock may run ahead of ours.
const DefaultClockSkew = 5 * time.Minute

// Verify verifies raw with v.Verifier and then checks what go-oidc leaves
// to the relying party: a subject (sub, OpenID Connect Core 1.0 §2), an
// issue time (iat) no later than now plus the clock skew, the authorized
// party (azp must be the client when present, and present when there are
// several audiences) and, when the token has an at_hash and accessToken is
// not empty, that it matches. Every failure wraps domain.ErrInvalidIDToken
// and says which check failed.
func Verify(ctx context.Context, v Verification, raw, accessToken string) (*oidc.IDToken, error) {
	idt, err := v.Verifier.Verify(ctx, raw)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", domain.ErrInvalidIDToken, err)
	}
	if err := v.checkSubjectAndTime(idt); err != nil {
		return nil, err
	}
	var c struct {
		AZP string `json:"azp"`
	}
	if err := idt.Claims(&c); err != nil {
		return nil, fmt.Errorf("%w: %v", domain.ErrInvalidIDToken, err)
	}
	if c.AZP != "" && c.AZP != v.ClientID || c.AZP == "" && len(idt.Audience) > 1 {
		return nil, fmt.Errorf("%w: authorized party %q is not client %q", domain.ErrInvalidIDToken, c.AZP, v.ClientID)
	}
	if idt.AccessTokenHash != "" && accessToken != "" {
		if err := idt.VerifyAccessToken(accessToken); err != nil {
			return nil, fmt.Errorf("%w: %v", domain.ErrInvalidIDToken, err)
		}
	}
	return idt, nil
}

// checkSubjectAndTime refuses a token without sub, without iat, or issued
// in the future beyond the clock skew.
func (v Verification) checkSubjectAndTime(idt *oidc.IDToken) error {
	now, skew := time.Now, v.ClockSkew
	if v.Now != nil {
		now = v.Now
	}
	if skew <= 0 {
		skew = DefaultClockSkew
	}
	switch {
	case idt.Subject == "":
		return fmt.Errorf("%w: no subject (sub)", domain.ErrInvalidIDToken)
	case idt.IssuedAt.IsZero():
		return fmt.Errorf("%w: no issue time (iat)", domain.ErrInvalidIDToken)
	case idt.IssuedAt.After(now().Add(skew)):
		return fmt.Errorf("%w: issued in the future (iat %s is more than %v after now; core.auth.web.clockSkew)",
			domain.ErrInvalidIDToken, idt.IssuedAt.UTC().Format(time.RFC3339), skew)
	}
	return nil
}

// NewIDToken converts a verified go-oidc token into the domain's.
func NewIDToken(t *oidc.IDToken, raw string) (*domain.IDToken, error) {
	var payload jsonRaw
	if err := t.Claims(&payload); err != nil {
		return nil, fmt.Errorf("%w: %v", domain.ErrInvalidIDToken, err)
	}
	return &domain.IDToken{
		Subject: t.Subject, Issuer: t.Issuer, Audience: t.Audience,
		Expiry: t.Expiry, IssuedAt: t.IssuedAt, Nonce: t.Nonce,
		Raw: raw, Payload: payload,
	}, nil
}

// jsonRaw keeps the claims set as it came.
type jsonRaw []byte

func (j *jsonRaw) UnmarshalJSON(b []byte) error {
	*j = append((*j)[:0], b...)
	return nil
}

// providerError turns an OAuth2 error response into a *domain.ProviderError.
func providerError(err error) error {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) && re.ErrorCode != "" {
		return &domain.ProviderError{Code: re.ErrorCode, Description: re.ErrorDescription, URI: re.ErrorURI}
	}
	return err
}

// refreshError marks invalid_grant as ErrRefreshRejected; other errors
// stay transient.
func refreshError(err error) error {
	err = providerError(err)
	var pe *domain.ProviderError
	if errors.As(err, &pe) && pe.Code == "invalid_grant" {
		return fmt.Errorf("%w: %w", domain.ErrRefreshRejected, err)
	}
	return err
}
