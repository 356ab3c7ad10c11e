package legacysession

import (
	"encoding/gob"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Stand-ins for the types Flamingo v3's core/auth keeps in its sessions
// (its tokens, ID token, pending login states and redirects). Where the
// application no longer links core/auth, nothing registers them with gob,
// and a session of a logged-in user could not be decoded at all. The
// migration drops those keys anyway (see DropAuth); the stand-ins, each
// registered under the name of the type it stands for only when a decode
// meets that name unregistered, let the rest of the session come over.
type (
	authSessionData struct{ Subject string }
	authFakeUser    struct{ Subject string }
	authState       struct {
		State string
		TS    time.Time
	}
	authStates    []authState
	authRedirects []*url.URL
	authToken     struct {
		AccessToken, TokenType, RefreshToken string
		Expiry                               time.Time
	}
)

// authTypes maps the gob names of core/auth's types to their stand-ins.
var authTypes = map[string]any{
	"flamingo.me/flamingo/v3/core/auth/oauth.sessionData":    authSessionData{},
	"flamingo.me/flamingo/v3/core/auth/fake.UserSessionData": authFakeUser{},
	"flamingo.me/flamingo/v3/core/auth/oauth.StateEntry":     authState{},
	"[]oauth.StateEntry": authStates(nil),
	"flamingo.me/flamingo/v3/core/auth.redirectURLlist": authRedirects{},
	"golang.org/x/oauth2.Token":                         authToken{},
	"*url.URL":                                          new(url.URL),
}

var authTypesMu sync.Mutex

// registerAuthType registers the stand-in named in err, a gob error about
// an unregistered name, and reports whether decoding again can help.
func registerAuthType(err error) bool {
	_, quoted, ok := strings.Cut(err.Error(), "name not registered for interface: ")
	if !ok {
		return false
	}
	name, uerr := strconv.Unquote(quoted)
	standIn, known := authTypes[name]
	if uerr != nil || !known {
		return false
	}
	authTypesMu.Lock()
	defer authTypesMu.Unlock()
	if _, done := registered[name]; done {
		return false
	}
	registered[name] = true
	gobRegisterName(name, standIn)
	return true
}

var registered = map[string]bool{}

// gobRegisterName registers v under name; gob panics when either is
// registered otherwise already, and then the decode reports the name again.
func gobRegisterName(name string, v any) {
	defer func() { _ = recover() }()
	gob.RegisterName(name, v)
}
