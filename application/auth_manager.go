// Package application holds sessionauth's use cases over the domain ports:
// logging in and out with a broker, the logged-in user, and HTTP clients
// that carry the user's access token.
package application

import (
	"context"
	"encoding/gob"
	"fmt"
	"log/slog"
	"net/http"
	"sort"
	"time"

	"github.com/sessionauth/sessionauth/domain"
)

// Session keys. The identity has a key of its own; every pending login
// too, so that concurrent requests that start logins in several tabs do
// not overwrite each other's (repositories save key by key).
const (
	identityKey = domain.IdentityKey
	loginPrefix = domain.PendingLoginPrefix
)

// Defaults for Options.
const (
	DefaultStateLifetime = 30 * time.Minute
	DefaultMaxPending    = 5
	DefaultRefreshLeeway = 10 * time.Second
	DefaultReuseWindow   = time.Minute
)

// Options tune an AuthManager. Zero values take the defaults.
type Options struct {
	// Clock is the time source; nil means time.Now.
	Clock func() time.Time
	// StateLifetime is how long a started login may take.
	StateLifetime time.Duration
	// BrokerStateLifetimes overrides StateLifetime for the named brokers.
	BrokerStateLifetimes map[string]time.Duration
	// MaxPending bounds the logins pending in one session (browser tabs);
	// starting one more drops the oldest.
	MaxPending int
	// Tokens seals the identity's tokens before they are stored in the
	// session; nil means ProcessTokenSealer (tokens do not survive a
	// restart or reach another instance).
	Tokens *TokenSealer
	// MaxUsedStates bounds how many used login states the manager
	// remembers (for the longest state lifetime) to refuse a second
	// callback with one; beyond it the oldest is forgotten first.
	MaxUsedStates int
	// RefreshLeeway: an access token is refreshed when it expires within it.
	RefreshLeeway time.Duration
	// ReuseWindow is how long the result of a refresh is handed to other
	// requests that still present the refresh token it replaced (requests
	// that loaded the session before the refresh was saved).
	ReuseWindow time.Duration
	// Logger receives login, logout and refresh events; nil discards them.
	Logger *slog.Logger
	// Transport is the base of HTTPClient; nil means http.DefaultTransport.
	Transport http.RoundTripper
	// Subscribers are told of logins, and of logouts when they implement
	// LogoutSubscriber.
	Subscribers []LoginSubscriber
	// Sessions finds the sessions a back-channel logout ends; without it
	// BackChannelLogout answers ErrNoSessionIndex.
	Sessions *UserSessions
	// Observer, when set, watches login start, callback, refresh and
	// logout, for traces and metrics (see package telemetry).
	Observer Observer
}

// LoginSubscriber is told of every successful login, after the identity
// was stored in the session.
type LoginSubscriber interface {
	OnLogin(ctx context.Context, session *domain.Session, identity *domain.Identity)
}

// LogoutSubscriber is an optional power of a LoginSubscriber: it is told
// of logouts, including those forced by a rejected refresh token.
type LogoutSubscriber interface {
	OnLogout(ctx context.Context, session *domain.Session, identity *domain.Identity)
}

// AuthManager runs login, callback, logout and token refresh against the
// configured brokers and keeps the identity in the web session.
type AuthManager struct {
	brokers map[string]domain.IdentityProvider
	opts    Options
	log     *slog.Logger
	flights *flights
	used    *usedStates // single use of login states within this process
}

// NewAuthManager returns an AuthManager for brokers, keyed by broker name.
func NewAuthManager(brokers map[string]domain.IdentityProvider, opts Options) *AuthManager {
	if opts.Clock == nil {
		opts.Clock = time.Now
	}
	if opts.StateLifetime <= 0 {
		opts.StateLifetime = DefaultStateLifetime
	}
	if opts.MaxPending <= 0 {
		opts.MaxPending = DefaultMaxPending
	}
	if opts.Tokens == nil {
		opts.Tokens = ProcessTokenSealer()
	}
	if opts.MaxUsedStates <= 0 {
		opts.MaxUsedStates = DefaultMaxUsedStates
	}
	if opts.RefreshLeeway <= 0 {
		opts.RefreshLeeway = DefaultRefreshLeeway
	}
	if opts.ReuseWindow <= 0 {
		opts.ReuseWindow = DefaultReuseWindow
	}
	if opts.Transport == nil {
		opts.Transport = http.DefaultTransport
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	m := &AuthManager{brokers: brokers, opts: opts, log: log, flights: newFlights(opts.Clock, opts.ReuseWindow)}
	m.used = newUsedStates(opts.MaxUsedStates, m.longestStateLifetime())
	return m
}

// Broker returns the broker configured under name.
func (m *AuthManager) Broker(name string) (domain.IdentityProvider, bool) {
	b, ok := m.brokers[name]
	return b, ok
}

// BrokerNames returns the names of the configured brokers, sorted.
func (m *AuthManager) BrokerNames() []string {
	names := make([]string, 0, len(m.brokers))
	for name := range m.brokers {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

func (m *AuthManager) broker(name string) (domain.IdentityProvider, error) {
	b, ok := m.brokers[name]
	if !ok {
		return nil, fmt.Errorf("auth manager: broker %q: %w", name, domain.ErrUnknownBroker)
	}
	return b, nil
}

// identity returns the identity stored in the session, its tokens still
// sealed.
func identity(s *domain.Session) (*domain.Identity, bool) {
	id, ok := s.Try(identityKey).(domain.Identity)
	return &id, ok
}

// identity returns the identity stored in the session with its tokens
// opened. Tokens sealed with a key that is not configured any more (a
// rotated-out key, another instance's process key) log the session out:
// the identity is removed and nobody is logged in.
func (m *AuthManager) identity(ctx context.Context, s *domain.Session) (*domain.Identity, bool) {
	sealed, ok := identity(s)
	if !ok {
		return nil, false
	}
	id, err := m.opts.Tokens.Open(*sealed)
	if err != nil {
		m.log.InfoContext(ctx, "logged out: the session's tokens were sealed with a key that is not configured (core.auth.web.tokenKey, previousTokenKeys)",
			"broker", sealed.Broker, "subject", sealed.Subject)
		s.Delete(identityKey)
		return nil, false
	}
	return &id, true
}

// storeIdentity stores id in the session with its tokens sealed.
func (m *AuthManager) storeIdentity(s *domain.Session, id *domain.Identity) {
	s.Store(identityKey, m.opts.Tokens.Seal(*id))
}

// IDToken returns the logged-in user's verified ID token, refreshing the
// tokens first when they are due. Nobody logged in yields an error
// wrapping domain.ErrNotLoggedIn.
func (m *AuthManager) IDToken(ctx context.Context, s *domain.Session) (*domain.IDToken, error) {
	id, err := m.Identity(ctx, s)
	if err != nil {
		return nil, err
	}
	return &id.IDToken, nil
}

func (m *AuthManager) fireLogin(ctx context.Context, s *domain.Session, id *domain.Identity) {
	for _, sub := range m.opts.Subscribers {
		sub.OnLogin(ctx, s, id)
	}
}

func (m *AuthManager) fireLogout(ctx context.Context, s *domain.Session, id *domain.Identity) {
	for _, sub := range m.opts.Subscribers {
		if l, ok := sub.(LogoutSubscriber); ok {
			l.OnLogout(ctx, s, id)
		}
	}
}

func init() {
	gob.Register(pendingLogin{})
}
