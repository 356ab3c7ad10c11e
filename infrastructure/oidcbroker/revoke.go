package oidcbroker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/sessionauth/sessionauth/domain"
)

// revokeTimeout bounds the revocation of a logout's tokens, both requests
// together: a logout waits no longer for a provider that does not answer.
const revokeTimeout = 3 * time.Second

// maxRevokeResponse bounds what is read of the provider's answer.
const maxRevokeResponse = 16 << 10

// ErrNoRevocationEndpoint is returned at a logout when
// revokeTokensAtLogout is set but the provider's discovery announces no
// revocation endpoint.
var ErrNoRevocationEndpoint = errors.New("revokeTokensAtLogout is set but the provider's discovery announces no revocation_endpoint; " +
	"remove revokeTokensAtLogout from the broker's configuration, or enable token revocation at the provider")

var _ domain.TokenRevoker = (*Broker)(nil)

// RevokeTokens revokes the refresh token of id, then its access token, at
// the provider's revocation endpoint (RFC 7009), with token_type_hint and
// the client authenticated as at the token endpoint (a new assertion for
// each request), when RevokeTokensAtLogout is set; see
// domain.TokenRevoker. Both requests together take at most revokeTimeout,
// and are not cancelled with ctx: the browser that asked for the logout
// may be gone. The error names the token type, the provider's error code
// or status, never a token.
func (b *Broker) RevokeTokens(ctx context.Context, id *domain.Identity) error {
	if !b.cfg.RevokeTokensAtLogout || id == nil || id.RefreshToken == "" && id.AccessToken == "" {
		return nil
	}
	d, err := b.discover(ctx)
	if err != nil {
		return err
	}
	if d.revocation == "" {
		return fmt.Errorf("oidc broker %q: %w", b.cfg.Broker, ErrNoRevocationEndpoint)
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), revokeTimeout)
	defer cancel()
	var errs []error
	for _, t := range []struct{ hint, token string }{{"refresh_token", id.RefreshToken}, {"access_token", id.AccessToken}} {
		if t.token == "" {
			continue
		}
		if err := b.revoke(ctx, d, t.token, t.hint); err != nil {
			errs = append(errs, fmt.Errorf("oidc broker %q: revoking the %s: %w", b.cfg.Broker, strings.ReplaceAll(t.hint, "_", " "), err))
		}
	}
	return errors.Join(errs...)
}

// revoke sends one revocation request. RFC 7009 answers 200 for a token
// revoked and for one the provider does not know (or knows no longer).
func (b *Broker) revoke(ctx context.Context, d *discovery, token, hint string) error {
	resp, err := b.postAuthenticated(ctx, d, d.revocation, url.Values{"token": {token}, "token_type_hint": {hint}})
	if err != nil {
		return err
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode == http.StatusOK {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxRevokeResponse))
		return nil
	}
	var answer struct {
		Error string `json:"error"`
	}
	_ = json.NewDecoder(io.LimitReader(resp.Body, maxRevokeResponse)).Decode(&answer)
	if answer.Error != "" {
		// Only the code: a description could quote what was sent.
		return fmt.Errorf("the provider answered %d %s", resp.StatusCode, errorCode(answer.Error))
	}
	return fmt.Errorf("the provider answered %d", resp.StatusCode)
}

// errorCode returns code when it is an OAuth error code (RFC 6749,
// section 5.2: printable ASCII without quote and backslash), else a
// placeholder.
func errorCode(code string) string {
	if len(code) > 64 {
		return "(unreadable error code)"
	}
	for _, c := range code {
		if c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
			return "(unreadable error code)"
		}
	}
	return code
}
