package oidctest

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// AuthRequest is what an authorization request asked of the
// authentication.
type AuthRequest struct {
	Prompt    string // space-separated, as sent
	MaxAge    string // "" when not sent
	ACRValues []string
}

// authentications keeps what each authorization request asked (by its ID)
// and the last one, for the acr and auth_time of its ID token.
type authentications struct {
	mu    sync.Mutex
	asked map[string]AuthRequest
	last  AuthRequest
	// acr and authTime are Options.ACR and Options.AuthTime.
	acr      func(requested []string) string
	authTime func(time.Time) time.Time
}

func (a *authentications) record(id string, req *oidc.AuthRequest) {
	r := AuthRequest{Prompt: strings.Join(req.Prompt, " "), ACRValues: req.ACRValues}
	if req.MaxAge != nil {
		r.MaxAge = strconv.FormatUint(uint64(*req.MaxAge), 10)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.asked == nil {
		a.asked = map[string]AuthRequest{}
	}
	a.asked[id], a.last = r, r
}

// LastAuthRequest returns what the last authorization request asked.
func (p *Provider) LastAuthRequest() AuthRequest {
	p.storage.auths.mu.Lock()
	defer p.storage.auths.mu.Unlock()
	return p.storage.auths.last
}

// wrap gives req the acr and auth_time the options choose.
func (a *authentications) wrap(req op.AuthRequest) op.AuthRequest {
	if a.acr == nil && a.authTime == nil {
		return req
	}
	a.mu.Lock()
	asked := a.asked[req.GetID()]
	a.mu.Unlock()
	return stepUpRequest{AuthRequest: req, auths: a, asked: asked}
}

// stepUpRequest is an auth request whose ID token gets the acr and
// auth_time of the options.
type stepUpRequest struct {
	op.AuthRequest
	auths *authentications
	asked AuthRequest
}

func (r stepUpRequest) GetACR() string {
	if r.auths.acr == nil {
		return r.AuthRequest.GetACR()
	}
	return r.auths.acr(r.asked.ACRValues)
}

func (r stepUpRequest) GetAuthTime() time.Time {
	if r.auths.authTime == nil {
		return r.AuthRequest.GetAuthTime()
	}
	return r.auths.authTime(r.AuthRequest.GetAuthTime())
}

func (s *tokenStorage) CreateAuthRequest(ctx context.Context, req *oidc.AuthRequest, userID string) (op.AuthRequest, error) {
	created, err := s.Storage.CreateAuthRequest(ctx, req, userID)
	if err == nil {
		s.auths.record(created.GetID(), req)
	} else {
		s.auths.record("", req)
	}
	return created, err
}

func (s *tokenStorage) AuthRequestByCode(ctx context.Context, code string) (op.AuthRequest, error) {
	req, err := s.Storage.AuthRequestByCode(ctx, code)
	if err != nil {
		return nil, err
	}
	return s.auths.wrap(req), nil
}
