package sessionauth

import (
	"github.com/sessionauth/sessionauth/config"
	"github.com/sessionauth/sessionauth/domain"
)

// BackendFactory builds the session repository of one backend name from
// the session configuration. SessionModule binds the built-in ones (memory,
// file, redis, custom); bind your own under the name that
// flamingo.session.backend gives, and it goes through the same door:
//
//	injector.BindMap(new(sessionauth.BackendFactory), "mongo").ToInstance(sessionauth.BackendFactory(
//		func(s config.Session) (domain.SessionRepository, error) { return mongostore.New(…), nil }))
//
// An error stops start-up; it is reported with the configuration's other
// problems under flamingo.session.backend. The built-in ones are in
// internal/backends.
type BackendFactory func(config.Session) (domain.SessionRepository, error)

// BrokerFactory builds the identity provider of one broker entry of
// core.auth.web.broker whose typ is the name the factory is bound under.
// AuthModule binds oidc and fake. A factory reads the entry's own keys with
// the config.Broker accessors (which report wrong types) and calls
// b.Only(...) with them, so that a misspelt key is reported. A problem
// with one field is best recorded with b.Problem(field, "…; write …"): the
// message then names core.auth.web.broker[i].field; an error returned after
// such problems only stops the start, one returned without them is
// reported under core.auth.web.broker[i]. The built-in ones are in
// internal/brokers.
type BrokerFactory func(b config.Broker) (domain.IdentityProvider, error)
