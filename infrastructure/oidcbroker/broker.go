package oidcbroker

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/sessionauth/sessionauth/domain"
)

var _ domain.IdentityProvider = (*Broker)(nil)

// discoveryTimeout bounds one discovery attempt.
const discoveryTimeout = 10 * time.Second

// Broker is an OpenID Connect domain.IdentityProvider. The provider's
// discovery document is fetched on first use, not at construction, so a
// provider that is down at start-up only fails logins until it is back.
type Broker struct {
	cfg Config

	mu      sync.Mutex
	disc    *discovery // nil until discovery succeeded
	lastErr error
	lastTry time.Time
}

// discovery is what the provider's metadata yields.
type discovery struct {
	oauth       oauth2.Config
	verifier    *oidc.IDTokenVerifier
	provider    *oidc.Provider
	endSession  string
	issParam    bool        // authorization_response_iss_parameter_supported
	auth        *clientAuth // how the client authenticates
	par         string      // pushed_authorization_request_endpoint
	parRequired bool        // require_pushed_authorization_requests
	issuer      string
	fcSession   bool   // frontchannel_logout_session_supported
	revocation  string // revocation_endpoint
}

// metadata is what the broker reads of the discovery document besides
// what go-oidc reads.
type metadata struct {
	Issuer      string `json:"issuer"`
	EndSession  string `json:"end_session_endpoint"`
	IssParam    bool   `json:"authorization_response_iss_parameter_supported"`
	PAR         string `json:"pushed_authorization_request_endpoint"`
	PARRequired bool   `json:"require_pushed_authorization_requests"`
	FCSession   bool   `json:"frontchannel_logout_session_supported"`
	Revocation  string `json:"revocation_endpoint"`
}

// New checks cfg and returns a broker. It does not contact the provider.
func New(cfg Config) (*Broker, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	if cfg.DiscoveryRetry <= 0 {
		cfg.DiscoveryRetry = 2 * time.Second
	}
	return &Broker{cfg: cfg}, nil
}

// Broker returns the configured name.
func (b *Broker) Broker() string { return b.cfg.Broker }

// discover returns the provider metadata, fetching it when not known yet.
// A failure is remembered for DiscoveryRetry, so a provider that is down
// is not asked on every request.
func (b *Broker) discover(ctx context.Context) (*discovery, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.disc != nil {
		return b.disc, nil
	}
	if b.lastErr != nil && time.Since(b.lastTry) < b.cfg.DiscoveryRetry {
		return nil, b.lastErr
	}
	ctx, cancel := context.WithTimeout(b.clientContext(context.WithoutCancel(ctx)), discoveryTimeout)
	defer cancel()
	d, err := b.fetchDiscovery(ctx)
	b.lastTry = time.Now()
	if err != nil {
		b.lastErr = fmt.Errorf("oidc broker %q: discovery: %w: %v", b.cfg.Broker, domain.ErrProviderUnavailable, err)
		return nil, b.lastErr
	}
	b.disc, b.lastErr = d, nil
	return d, nil
}

func (b *Broker) fetchDiscovery(ctx context.Context) (*discovery, error) {
	p, err := oidc.NewProvider(ctx, b.cfg.Endpoint)
	if err != nil {
		return nil, err
	}
	var meta metadata
	if err := p.Claims(&meta); err != nil {
		return nil, err
	}
	audience := p.Endpoint().TokenURL
	if b.cfg.AssertionAudience == AudienceIssuer {
		audience = meta.Issuer
	}
	auth, err := newClientAuth(b.cfg, audience)
	if err != nil {
		return nil, err
	}
	endpoint := p.Endpoint()
	endpoint.AuthStyle = b.cfg.authStyle()
	return &discovery{
		oauth: oauth2.Config{
			ClientID: b.cfg.ClientID, ClientSecret: b.cfg.oauthSecret(), RedirectURL: b.cfg.RedirectURL,
			Endpoint: endpoint, Scopes: b.cfg.scopes(),
		},
		auth: auth, par: meta.PAR, parRequired: meta.PARRequired,
		verifier: p.Verifier(&oidc.Config{
			ClientID: b.cfg.ClientID, SupportedSigningAlgs: b.cfg.algorithms(), Now: b.cfg.now,
		}),
		provider:   p,
		endSession: meta.EndSession,
		issParam:   meta.IssParam,
		issuer:     meta.Issuer,
		fcSession:  meta.FCSession,
		revocation: meta.Revocation,
	}, nil
}

// clientContext carries the configured HTTP client for go-oidc and oauth2.
func (b *Broker) clientContext(ctx context.Context) context.Context {
	if b.cfg.HTTPClient == nil {
		return ctx
	}
	return oidc.ClientContext(ctx, b.cfg.HTTPClient)
}

// AuthCodeURL returns the authorization URL with state, nonce and the S256
// PKCE challenge; see domain.IdentityProvider.
func (b *Broker) AuthCodeURL(ctx context.Context, req domain.AuthCodeRequest) (string, error) {
	d, err := b.discover(ctx)
	if err != nil {
		return "", err
	}
	opts := []oauth2.AuthCodeOption{oidc.Nonce(req.Nonce), oauth2.S256ChallengeOption(req.PKCEVerifier)}
	for key, values := range req.Params {
		for _, v := range values {
			opts = append(opts, oauth2.SetAuthURLParam(key, v))
		}
	}
	if b.cfg.ResponseMode == "form_post" {
		opts = append(opts, oauth2.SetAuthURLParam("response_mode", "form_post"))
	}
	if b.cfg.AuthCodeOptions != nil {
		opts = append(opts, b.cfg.AuthCodeOptions(ctx, req)...)
	}
	oc, err := b.oauthConfig(ctx, d)
	if err != nil {
		return "", err
	}
	authURL := oc.AuthCodeURL(req.State, opts...)
	// A provider that requires pushed requests but names no endpoint for
	// them gets the plain request: it says nothing that could be obeyed.
	if !b.cfg.UsePAR && (!d.parRequired || d.par == "") {
		return authURL, nil
	}
	return b.push(ctx, d, authURL)
}

// oauthConfig is the OAuth2 configuration of a request: the configured
// redirect URL, or without one the callback URL the request's context
// carries (domain.ContextWithCallbackURL).
func (b *Broker) oauthConfig(ctx context.Context, d *discovery) (*oauth2.Config, error) {
	oc := d.oauth
	if oc.RedirectURL == "" {
		oc.RedirectURL = domain.CallbackURLFromContext(ctx)
	}
	if oc.RedirectURL == "" {
		return nil, fmt.Errorf("oidc broker %q: no redirect URL: configure redirectURL or core.auth.web.baseURL, or log in through the AuthController, which derives it from the request", b.cfg.Broker)
	}
	return &oc, nil
}

// CheckIssuer implements the RFC 9207 check of the callback's iss
// parameter; see domain.IdentityProvider.
func (b *Broker) CheckIssuer(ctx context.Context, iss string) error {
	d, err := b.discover(ctx)
	if err != nil {
		return err
	}
	return checkIssuer(b.cfg.Broker, b.cfg.Endpoint, iss, d.issParam)
}

func checkIssuer(broker, issuer, iss string, required bool) error {
	if iss == "" && required {
		return fmt.Errorf("oidc broker %q: callback: %w: the provider announced the iss parameter but sent none", broker, domain.ErrIssuerMismatch)
	}
	if iss != "" && iss != issuer {
		return fmt.Errorf("oidc broker %q: callback: %w: expected %q, got %q", broker, domain.ErrIssuerMismatch, issuer, iss)
	}
	return nil
}

// EndSessionURL returns the provider's end_session_endpoint with
// id_token_hint, post_logout_redirect_uri and client_id, when enabled and
// announced; with PostLogoutRedirectURIs, the redirect only when listed.
func (b *Broker) EndSessionURL(ctx context.Context, idTokenHint, postLogoutRedirect string) (string, bool) {
	u, _, ok := b.EndSessionRequestURL(ctx, domain.EndSessionRequest{IDTokenHint: idTokenHint, PostLogoutRedirect: postLogoutRedirect})
	return u, ok
}

var _ domain.EndSessionRequester = (*Broker)(nil)

// EndSessionRequestURL returns the provider's end_session_endpoint with
// client_id, id_token_hint and logout_hint when given, and the return URL
// chosen by chooseReturn, with the state when that is req.StateReturnURL;
// see domain.EndSessionRequester.
func (b *Broker) EndSessionRequestURL(ctx context.Context, req domain.EndSessionRequest) (string, string, bool) {
	if !b.cfg.EnableEndSessionEndpoint {
		return "", "", false
	}
	d, err := b.discover(ctx)
	if err != nil || d.endSession == "" {
		return "", "", false
	}
	u, err := url.Parse(d.endSession)
	if err != nil {
		return "", "", false
	}
	q := u.Query()
	q.Set("client_id", b.cfg.ClientID)
	setIf(q, "id_token_hint", req.IDTokenHint)
	setIf(q, "logout_hint", req.LogoutHint)
	back := chooseReturn(b.cfg.PostLogoutRedirectURIs, req)
	setIf(q, "post_logout_redirect_uri", back)
	if back != "" && back == req.StateReturnURL {
		setIf(q, "state", req.State)
	}
	u.RawQuery = q.Encode()
	return u.String(), back, true
}

// chooseReturn picks the post_logout_redirect_uri of a logout: without a
// registered list, the post-logout redirect; with one, the state-checking
// return when listed, else the post-logout redirect when listed, else
// none: a URL the provider does not know is never sent.
func chooseReturn(registered []string, req domain.EndSessionRequest) string {
	if len(registered) == 0 {
		return req.PostLogoutRedirect
	}
	for _, candidate := range []string{req.StateReturnURL, req.PostLogoutRedirect} {
		if candidate != "" && slices.Contains(registered, candidate) {
			return candidate
		}
	}
	return ""
}

var _ domain.FrontChannelLogouter = (*Broker)(nil)

// FrontChannel returns the issuer front-channel logout requests must name
// (the discovery document's), whether the provider always sends iss and
// sid (frontchannel_logout_session_supported) and the configured origins
// that may frame the answer; see
// domain.FrontChannelLogouter.
func (b *Broker) FrontChannel(ctx context.Context) (domain.FrontChannel, error) {
	if !b.cfg.FrontChannelLogout {
		return domain.FrontChannel{}, fmt.Errorf("oidc broker %q: %w", b.cfg.Broker, domain.ErrFrontChannelDisabled)
	}
	d, err := b.discover(ctx)
	if err != nil {
		return domain.FrontChannel{}, err
	}
	issuer := d.issuer
	if issuer == "" {
		issuer = b.cfg.Endpoint
	}
	return domain.FrontChannel{Issuer: issuer, SessionRequired: d.fcSession,
		FrameAncestors: slices.Clone(b.cfg.FrontChannelLogoutOrigins)}, nil
}

func setIf(q url.Values, key, value string) {
	if value != "" {
		q.Set(key, value)
	}
}

// Status reports whether discovery succeeded; it tries it when it has not
// yet.
func (b *Broker) Status() (bool, string) {
	ctx, cancel := context.WithTimeout(context.Background(), discoveryTimeout)
	defer cancel()
	if _, err := b.discover(ctx); err != nil {
		return false, err.Error()
	}
	return true, fmt.Sprintf("oidc broker %q: provider %s discovered", b.cfg.Broker, b.cfg.Endpoint)
}
