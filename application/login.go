package application

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/sessionauth/sessionauth/domain"
)

// pendingLogin is one started login, stored in the session under
// loginPrefix + State until its callback arrives.
type pendingLogin struct {
	Broker     string
	State      string
	Nonce      string
	Verifier   string
	ReturnPath string
	Created    time.Time
	// CallbackURL is the callback URL the login's request carried
	// (domain.ContextWithCallbackURL); the code is redeemed with it.
	CallbackURL string
	// Requirement is what the authorization request asked of the
	// authentication (max_age, acr_values, prompt=login); the callback
	// refuses a login that does not meet it.
	Requirement loginRequirement
}

var errNoCode = errors.New("the callback carries neither code nor error")

// random returns 256 random bits, URL-safe; also a valid PKCE verifier.
func random() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // never fails
	return base64.RawURLEncoding.EncodeToString(b)
}

// LoginStart begins a login with the named broker and returns the URL to
// redirect the browser to. The state, nonce and PKCE verifier are kept in
// the session; so is returnPath (sanitized), where Callback sends the user
// afterwards.
func (m *AuthManager) LoginStart(ctx context.Context, s *domain.Session, broker, returnPath string) (string, error) {
	return m.LoginStartWithParams(ctx, s, broker, returnPath, nil)
}

// loginStart is LoginStartWithParams without the Observer.
func (m *AuthManager) loginStart(ctx context.Context, s *domain.Session, broker, returnPath string, params url.Values) (string, error) {
	b, err := m.broker(broker)
	if err != nil {
		return "", err
	}
	q, err := requirementOf(params)
	if err != nil {
		return "", fmt.Errorf("auth manager: login with %q: %w", broker, err)
	}
	p := pendingLogin{
		Broker: broker, State: random(), Nonce: random(), Verifier: random(),
		ReturnPath: SanitizeReturnPath(returnPath), Created: m.opts.Clock(), CallbackURL: domain.CallbackURLFromContext(ctx),
		Requirement: q,
	}
	authURL, err := b.AuthCodeURL(ctx, domain.AuthCodeRequest{State: p.State, Nonce: p.Nonce, PKCEVerifier: p.Verifier, Params: params})
	if err != nil {
		return "", fmt.Errorf("auth manager: login with %q: %w", broker, err)
	}
	m.prunePending(s)
	s.Store(loginPrefix+p.State, p)
	s.HoldPending(p.Created.Add(m.stateLifetime(broker)))
	return authURL, nil
}

// prunePending drops expired logins and the oldest ones beyond
// MaxPending-1, making room for one more.
func (m *AuthManager) prunePending(s *domain.Session) {
	var pending []pendingLogin
	for _, k := range s.Keys() {
		if p, ok := s.Try(k).(pendingLogin); ok && strings.HasPrefix(k, loginPrefix) {
			if m.expired(p) {
				s.Delete(k)
				continue
			}
			pending = append(pending, p)
		}
	}
	sort.Slice(pending, func(i, j int) bool { return pending[i].Created.Before(pending[j].Created) })
	for len(pending) >= m.opts.MaxPending {
		s.Delete(loginPrefix + pending[0].State)
		pending = pending[1:]
	}
}

// anyPending reports whether a login is pending in s.
func (m *AuthManager) anyPending(s *domain.Session) bool {
	for _, k := range s.Keys() {
		if strings.HasPrefix(k, loginPrefix) {
			return true
		}
	}
	return false
}

func (m *AuthManager) expired(p pendingLogin) bool {
	return m.opts.Clock().Sub(p.Created) > m.stateLifetime(p.Broker)
}

// stateLifetime is how long a login with broker may take.
func (m *AuthManager) stateLifetime(broker string) time.Duration {
	if d, ok := m.opts.BrokerStateLifetimes[broker]; ok && d > 0 {
		return d
	}
	return m.opts.StateLifetime
}

// callback is Callback without the Observer.
func (m *AuthManager) callback(ctx context.Context, s *domain.Session, broker string, query url.Values) (string, error) {
	b, err := m.broker(broker)
	if err != nil {
		return "", err
	}
	p, err := m.takePending(s, broker, query.Get("state"))
	if err != nil {
		return "", err
	}
	if err := b.CheckIssuer(ctx, query.Get("iss")); err != nil {
		return "", fmt.Errorf("auth manager: callback of %q: %w", broker, err)
	}
	if code := query.Get("error"); code != "" {
		pe := &domain.ProviderError{Code: code, Description: query.Get("error_description"), URI: query.Get("error_uri")}
		return "", fmt.Errorf("auth manager: callback of %q: %w", broker, pe)
	}
	if query.Get("code") == "" {
		return "", fmt.Errorf("auth manager: callback of %q: %w", broker, errNoCode)
	}
	if p.CallbackURL != "" {
		ctx = domain.ContextWithCallbackURL(ctx, p.CallbackURL)
	}
	id, err := b.Exchange(ctx, query.Get("code"), p.Verifier, p.Nonce)
	if err != nil {
		return "", fmt.Errorf("auth manager: callback of %q: %w", broker, err)
	}
	if err := p.Requirement.check(id, p.Created, m.opts.Clock()); err != nil {
		// The login the session had stays as it was.
		return "", fmt.Errorf("auth manager: callback of %q: the provider did not meet the login's requirement: %w", broker, err)
	}
	m.storeIdentity(s, id)
	s.Regenerate()
	m.recordLogin(ctx, s, id)
	m.log.InfoContext(ctx, "login", "broker", broker, "subject", id.Subject)
	m.fireLogin(ctx, s, id)
	return p.ReturnPath, nil
}

// takePending removes the pending login of state from the session and
// returns it when it is known, fresh, unused and of this broker.
func (m *AuthManager) takePending(s *domain.Session, broker, state string) (*pendingLogin, error) {
	p, ok := s.Try(loginPrefix + state).(pendingLogin)
	if state == "" || !ok {
		return nil, fmt.Errorf("auth manager: callback of %q: %w: unknown state", broker, domain.ErrInvalidState)
	}
	s.Delete(loginPrefix + state)
	if !m.anyPending(s) {
		s.HoldPending(time.Time{})
	}
	if p.Broker != broker || m.expired(p) {
		return nil, fmt.Errorf("auth manager: callback of %q: %w: expired or of another broker", broker, domain.ErrInvalidState)
	}
	if !m.used.use(state, m.opts.Clock()) {
		return nil, fmt.Errorf("auth manager: callback of %q: %w: state used already", broker, domain.ErrInvalidState)
	}
	return &p, nil
}

func (m *AuthManager) longestStateLifetime() time.Duration {
	longest := m.opts.StateLifetime
	for _, d := range m.opts.BrokerStateLifetimes {
		longest = max(longest, d)
	}
	return longest
}

// LogoutRequest says where an RP-initiated logout may return to.
type LogoutRequest struct {
	// PostLogoutRedirect is the absolute URL the browser ends up at.
	PostLogoutRedirect string
	// StateReturnURL, when set, is the absolute URL of the application's
	// logout return, which checks the state of LogoutResult; the provider
	// is sent there when the broker knows it as registered.
	StateReturnURL string
}

// LogoutResult is where to send the browser after a logout.
type LogoutResult struct {
	// URL is the provider's end-session URL, or PostLogoutRedirect.
	URL string
	// State, when not empty, was sent to the provider with StateReturnURL
	// as the return: the return must carry it back.
	State string
}

// logout is Logout without the Observer.
func (m *AuthManager) logout(ctx context.Context, s *domain.Session, broker string, req LogoutRequest) LogoutResult {
	id, loggedIn := m.identity(ctx, s)
	s.Delete(identityKey)
	s.Destroy()
	done := LogoutResult{URL: req.PostLogoutRedirect}
	if !loggedIn {
		return done
	}
	if broker == "" {
		broker = id.Broker
	}
	m.log.InfoContext(ctx, "logout", "broker", id.Broker, "subject", id.Subject)
	m.fireLogout(ctx, s, id)
	b, err := m.broker(broker)
	if err != nil {
		return done
	}
	m.revokeTokens(ctx, b, id)
	if r, ok := b.(domain.EndSessionRequester); ok {
		state := random()
		u, back, ok := r.EndSessionRequestURL(ctx, domain.EndSessionRequest{IDTokenHint: id.IDToken.Raw,
			StateReturnURL: req.StateReturnURL, PostLogoutRedirect: req.PostLogoutRedirect, State: state, LogoutHint: logoutHint(id)})
		if !ok {
			return done
		}
		if back == "" || back != req.StateReturnURL {
			state = ""
		}
		return LogoutResult{URL: u, State: state}
	}
	if u, ok := b.EndSessionURL(ctx, id.IDToken.Raw, req.PostLogoutRedirect); ok {
		return LogoutResult{URL: u}
	}
	return done
}

// revokeTokens has a broker that can revoke the login's tokens at the
// provider do so (domain.TokenRevoker); a failure is logged, without the
// tokens, and the logout goes on: the session has ended already.
func (m *AuthManager) revokeTokens(ctx context.Context, b domain.IdentityProvider, id *domain.Identity) {
	r, ok := b.(domain.TokenRevoker)
	if !ok {
		return
	}
	if err := r.RevokeTokens(ctx, id); err != nil {
		m.log.WarnContext(ctx, "logout: the provider did not revoke the login's tokens", "broker", id.Broker, "subject", id.Subject, "error", err.Error())
	}
}

// logoutHint is the ID token's login_hint claim (Microsoft Entra ID's
// optional claim, which its end-session endpoint takes as logout_hint to
// skip the account picker), or "".
func logoutHint(id *domain.Identity) string {
	var c struct {
		LoginHint string `json:"login_hint"`
	}
	if err := id.IDToken.Claims(&c); err != nil {
		return ""
	}
	return c.LoginHint
}

// HasPendingLogin reports whether s holds the login of broker started
// with state, unused: whether a callback with that state can succeed in
// this session. It changes nothing.
func (m *AuthManager) HasPendingLogin(s *domain.Session, broker, state string) bool {
	p, ok := s.Try(loginPrefix + state).(pendingLogin)
	return state != "" && ok && p.Broker == broker
}
