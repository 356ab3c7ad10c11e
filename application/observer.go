package application

import (
	"context"
	"net/url"
	"sync/atomic"

	"github.com/sessionauth/sessionauth/domain"
)

// Operation names a use case of the AuthManager that an Observer sees.
type Operation string

// The operations an Observer sees.
const (
	OpLoginStart Operation = "login.start"
	OpCallback   Operation = "callback"
	OpRefresh    Operation = "refresh"
	OpLogout     Operation = "logout"
	// OpBackChannelLogout is a logout the provider sends (see
	// BackChannelLogout); Outcome.Sessions is how many sessions it ended.
	OpBackChannelLogout Operation = "backchannel.logout"
	// OpFrontChannelLogout is a logout the provider asks for in the
	// browser (see FrontChannelLogout); Outcome.Sessions is how many
	// sessions it ended.
	OpFrontChannelLogout Operation = "frontchannel.logout"
)

// Observer watches the AuthManager's use cases, for traces and metrics;
// package telemetry has one for OpenTelemetry. Begin is called as a use
// case starts, with the broker's name; the use case runs in the context
// it returns, and the function it returns is called once with the
// outcome. An Observer must not keep the session, nor put tokens or
// session IDs anywhere.
type Observer interface {
	Begin(ctx context.Context, op Operation, broker string) (context.Context, func(Outcome))
}

// Outcome is how a use case ended.
type Outcome struct {
	// Err is nil on success.
	Err error
	// Joined is true for a refresh that shared the provider call another
	// request had started (one refresh at a time per refresh token).
	Joined bool
	// Sessions is how many logged-in sessions a logout (0 or 1) or a
	// back-channel logout ended.
	Sessions int
}

func (m *AuthManager) begin(ctx context.Context, op Operation, broker string) (context.Context, func(Outcome)) {
	if m.opts.Observer == nil {
		return ctx, func(Outcome) {}
	}
	if _, ok := m.brokers[broker]; !ok {
		broker = "" // the name comes from the request: only configured ones are shown
	}
	return m.opts.Observer.Begin(ctx, op, broker)
}

// LoginStartWithParams is LoginStart with extra authorization parameters
// (prompt, login_hint, acr_values...). What max_age, acr_values and
// prompt=login ask of the authentication is kept with the pending login
// and checked by Callback; a max_age or acr_values that cannot be read
// yields an error wrapping domain.ErrInvalidLoginRequest.
func (m *AuthManager) LoginStartWithParams(ctx context.Context, s *domain.Session, broker, returnPath string, params url.Values) (string, error) {
	ctx, end := m.begin(ctx, OpLoginStart, broker)
	u, err := m.loginStart(ctx, s, broker, returnPath, params)
	end(Outcome{Err: err})
	return u, err
}

// Callback completes a login from the query of the provider's redirect to
// our callback and returns the path to send the user to. The state is
// single-use and expires after StateLifetime (domain.ErrInvalidState); the
// RFC 9207 iss parameter is checked; an error parameter yields a
// *domain.ProviderError. An identity that does not meet what the login's
// authorization request asked (max_age against auth_time, acr_values
// against acr, prompt=login or max_age=0 against the login's start) yields
// an error wrapping domain.ErrInsufficientAuthentication and leaves the
// session's identity as it was. On success the identity is stored in the session,
// the session gets a new ID, and subscribers are told.
func (m *AuthManager) Callback(ctx context.Context, s *domain.Session, broker string, query url.Values) (string, error) {
	ctx, end := m.begin(ctx, OpCallback, broker)
	to, err := m.callback(ctx, s, broker, query)
	end(Outcome{Err: err})
	return to, err
}

// Logout ends the session and returns where to send the browser: the end
// session URL of the broker (the one logged in with when broker is empty)
// with id_token_hint and postLogoutRedirect when it has one, otherwise
// postLogoutRedirect. A session nobody logged in to is destroyed too.
func (m *AuthManager) Logout(ctx context.Context, s *domain.Session, broker, postLogoutRedirect string) string {
	return m.LogoutWith(ctx, s, broker, LogoutRequest{PostLogoutRedirect: postLogoutRedirect}).URL
}

// LogoutWith is Logout with a choice of return: the provider's end-session
// URL carries a state, returned in LogoutResult, when the broker sends
// req.StateReturnURL as the post-logout redirect (it is among the broker's
// registered URLs); the application's return must then check that the
// state came back.
func (m *AuthManager) LogoutWith(ctx context.Context, s *domain.Session, broker string, req LogoutRequest) LogoutResult {
	name := broker
	if id, ok := identity(s); ok && name == "" {
		name = id.Broker
	}
	_, loggedIn := identity(s)
	ctx, end := m.begin(ctx, OpLogout, name)
	to := m.logout(ctx, s, broker, req)
	end(Outcome{Sessions: loggedInSessions(loggedIn)})
	return to
}

// BackChannelLogout carries out an OpenID Connect Back-Channel Logout 1.0
// request of broker: it verifies the logout token, refuses a token whose
// jti was seen before (until the token expires, on every instance that
// shares the repository), and ends every session of the token's sid at
// broker — or, without a sid, every session of its sub there. It returns
// how many sessions it ended. A bad or replayed token yields an error
// wrapping domain.ErrInvalidLogoutToken; then no session ends.
func (m *AuthManager) BackChannelLogout(ctx context.Context, broker, raw string) (int, error) {
	ctx, end := m.begin(ctx, OpBackChannelLogout, broker)
	n, err := m.backChannelLogout(ctx, broker, raw)
	end(Outcome{Err: err, Sessions: n})
	return n, err
}

// FrontChannelLogout carries out an OpenID Connect Front-Channel Logout
// 1.0 request of broker, with the request's iss and sid: when the
// provider announced that it always sends both, a request without them
// ends nothing; an iss must be the provider's issuer. With a sid, every
// session logged in through that provider session ends (through the
// session index, on every instance), the request's own too when it is one
// of them. Without a sid, the request's own session ends when it is logged
// in through broker. domain.ErrFrontChannelDisabled when the broker is not
// configured for it; ErrNoSessionIndex when a sid must be looked up and
// the repository keeps no index.
func (m *AuthManager) FrontChannelLogout(ctx context.Context, s *domain.Session, broker, iss, sid string) (FrontChannelResult, error) {
	ctx, end := m.begin(ctx, OpFrontChannelLogout, broker)
	res, err := m.frontChannelLogout(ctx, s, broker, iss, sid)
	end(Outcome{Err: err, Sessions: res.Ended})
	return res, err
}

// refresh is refreshTokens, observed: Joined says whether the provider
// call was another request's.
func (m *AuthManager) refresh(ctx context.Context, s *domain.Session, id *domain.Identity) (*domain.Identity, error) {
	ctx, end := m.begin(ctx, OpRefresh, id.Broker)
	j := new(atomic.Bool)
	next, err := m.refreshTokens(context.WithValue(ctx, joinedKey{}, j), s, id)
	end(Outcome{Err: err, Joined: j.Load()})
	return next, err
}

// joinedKey marks, in a refresh's context, where flights records that the
// refresh joined another request's.
type joinedKey struct{}

// joined records in ctx that its refresh joined a flight.
func joined(ctx context.Context) {
	if j, ok := ctx.Value(joinedKey{}).(*atomic.Bool); ok {
		j.Store(true)
	}
}

// loggedInSessions is the Outcome.Sessions of a logout of a session that
// was logged in or not.
func loggedInSessions(loggedIn bool) int {
	if loggedIn {
		return 1
	}
	return 0
}
