package oidctest

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// MaxAssertionLifetime is the longest a client assertion may be valid for
// a Rogue that checks them.
const MaxAssertionLifetime = 5 * time.Minute

// assertionCheck is what a Rogue requires of client assertions.
type assertionCheck struct {
	key      any // public key, or []byte secret for HS256
	alg      jose.SignatureAlgorithm
	audience string
	seen     map[string]bool // jti already used
}

// RequireAssertion makes the token, pushed authorization request and
// revocation endpoints accept only a client assertion (RFC 7523) signed with alg by
// key (the public key, or the secret as []byte for HS256), with the client
// as iss and sub, audience in aud, an exp at most MaxAssertionLifetime
// ahead and a jti never seen before; anything else is refused with
// invalid_client and a description of what was wrong.
func (r *Rogue) RequireAssertion(key any, alg jose.SignatureAlgorithm, audience string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.assertion = &assertionCheck{key: key, alg: alg, audience: audience, seen: map[string]bool{}}
}

// EnablePAR announces a pushed authorization request endpoint (RFC 9126)
// in the discovery document, and require_pushed_authorization_requests
// when require is set: the authorization endpoint then refuses requests
// that were not pushed.
func (r *Rogue) EnablePAR(require bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.par, r.parRequired = true, require
}

// Pushed returns the bodies the pushed authorization request endpoint
// received, in order.
func (r *Rogue) Pushed() []url.Values {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.pushed)
}

// PushedAuthorization returns the Authorization headers of the pushed
// requests, in order ("" for none).
func (r *Rogue) PushedAuthorization() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.pushedAuth)
}

// TokenRequests returns the bodies the token endpoint received, in order.
func (r *Rogue) TokenRequests() []url.Values {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.tokenForms)
}

// checkClient checks the client assertion of form, when one is required.
func (r *Rogue) checkClient(form url.Values) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	a := r.assertion
	if a == nil {
		return nil
	}
	if form.Get("client_assertion_type") != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer" {
		return errors.New("no client assertion")
	}
	token, err := jwt.ParseSigned(form.Get("client_assertion"), []jose.SignatureAlgorithm{a.alg})
	if err != nil {
		return fmt.Errorf("assertion: %v", err)
	}
	var c jwt.Claims
	if err := token.Claims(a.key, &c); err != nil {
		return fmt.Errorf("assertion signature: %v", err)
	}
	now := time.Now()
	switch {
	case c.Issuer != r.ClientID || c.Subject != r.ClientID:
		return fmt.Errorf("assertion iss %q and sub %q are not the client", c.Issuer, c.Subject)
	case form.Get("client_id") != "" && form.Get("client_id") != r.ClientID:
		return errors.New("client_id is not the assertion's client")
	case c.Expiry == nil || c.Expiry.Time().Before(now) || c.Expiry.Time().After(now.Add(MaxAssertionLifetime)):
		return errors.New("assertion exp is missing, past or more than 5 minutes ahead")
	case !c.Audience.Contains(a.audience):
		return fmt.Errorf("assertion aud %v does not hold %q", c.Audience, a.audience)
	case c.ID == "" || a.seen[c.ID]:
		return errors.New("assertion jti is missing or replayed")
	}
	a.seen[c.ID] = true
	return nil
}

// pushAuthorization is the pushed authorization request endpoint: it
// keeps the request's parameters under a new request_uri.
func (r *Rogue) pushAuthorization(w http.ResponseWriter, req *http.Request) {
	if err := req.ParseForm(); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_request"})
		return
	}
	r.mu.Lock()
	r.pushed = append(r.pushed, req.PostForm)
	r.pushedAuth = append(r.pushedAuth, req.Header.Get("Authorization"))
	r.mu.Unlock()
	if err := r.checkClient(req.PostForm); err != nil {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_client", "error_description": err.Error()})
		return
	}
	if req.PostForm.Has("request_uri") {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_request", "error_description": "request_uri in a pushed request"})
		return
	}
	r.mu.Lock()
	uri := "urn:ietf:params:oauth:request_uri:rogue-" + strconv.Itoa(len(r.pushed))
	r.requests[uri] = req.PostForm
	r.mu.Unlock()
	writeJSON(w, http.StatusCreated, map[string]any{"request_uri": uri, "expires_in": 60})
}

// authorizeParams are the parameters of an authorization request: those
// pushed under its request_uri, or its query.
func (r *Rogue) authorizeParams(q url.Values) (url.Values, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	uri := q.Get("request_uri")
	if uri == "" {
		if r.parRequired {
			return nil, errors.New("this provider requires pushed authorization requests")
		}
		return q, nil
	}
	pushed, ok := r.requests[uri]
	if !ok || q.Get("client_id") != pushed.Get("client_id") {
		return nil, errors.New("unknown request_uri")
	}
	delete(r.requests, uri)
	return pushed, nil
}

// EnableRevocation announces a revocation endpoint (RFC 7009) in the
// discovery document. It checks client assertions as the token endpoint
// does, and a refresh token it revoked is refused by the token endpoint
// afterwards (invalid_grant). Call it before the relying party first asks
// for the document.
func (r *Rogue) EnableRevocation() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.revocation = true
}

// Revocations returns the bodies of the revocation requests the provider
// accepted, in order.
func (r *Rogue) Revocations() []url.Values {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.revocations)
}

// revoke is the revocation endpoint: with a valid client assertion (when
// required) it revokes the token and answers 200, as RFC 7009 does for any
// token of the client's.
func (r *Rogue) revoke(w http.ResponseWriter, req *http.Request) {
	if err := req.ParseForm(); err != nil || req.PostForm.Get("token") == "" {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_request"})
		return
	}
	if err := r.checkClient(req.PostForm); err != nil {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_client", "error_description": err.Error()})
		return
	}
	r.mu.Lock()
	r.revocations = append(r.revocations, req.PostForm)
	r.revoked[req.PostForm.Get("token")] = true
	r.mu.Unlock()
	w.WriteHeader(http.StatusOK)
}
