package sessionauthflamingo

import (
	"flamingo.me/dingo"
	"flamingo.me/flamingo/v3/framework/config"
)

// ConfigModule lets sessionauth's modules read Flamingo's configuration:
// Flamingo binds list values as its own config.Slice type, and sessionauth's
// modules inject []interface{}, so ConfigModule binds each list-valued key
// (flamingo.session.previousSecrets, core.auth.web.broker) as []interface{}
// too. The other keys need nothing: Flamingo binds numbers as float64,
// booleans as bool and strings as string, as sessionauth reads them. Module
// and AuthModule load it; load it yourself when you use
// sessionauth.SessionModule or sessionauth.AuthModule in a Flamingo
// application without them.
type ConfigModule struct{}

// Flamingo's bindings of the list-valued keys; an absent key is an empty
// list.
type (
	previousSecrets struct {
		List config.Slice `inject:"config:flamingo.session.previousSecrets,optional"`
	}
	brokers struct {
		List config.Slice `inject:"config:core.auth.web.broker,optional"`
	}
)

// Configure binds the list-valued keys.
func (*ConfigModule) Configure(injector *dingo.Injector) {
	injector.Bind(new([]any)).AnnotatedWith("config:flamingo.session.previousSecrets").
		ToProvider(func(c *previousSecrets) []any { return list(c.List) })
	injector.Bind(new([]any)).AnnotatedWith("config:core.auth.web.broker").
		ToProvider(func(c *brokers) []any { return list(c.List) })
}

func list(s config.Slice) []any {
	return append([]any{}, s...)
}
