// Command example is a Flamingo v3 application on sessionauth: a visit
// counter and flash messages on Flamingo's own *web.Session, stored in
// sessionauth's repositories, and sessionauth's login (a fake broker "dev")
// with a page showing the user and the ID token's claims. Run it with
// `make run-flamingo` and open http://127.0.0.1:3323; config/config.yml
// selects the repository: memory, or the one the environment variable
// SESSION_BACKEND names (SESSION_BACKEND=cookie make run-flamingo: sealed
// in the browser's cookies; redis with the redis keys set as well).
package main

import (
	"flamingo.me/dingo"
	"flamingo.me/flamingo/v3"
	"flamingo.me/flamingo/v3/core/healthcheck"
	fl "flamingo.me/flamingo/v3/framework/flamingo"
	"flamingo.me/flamingo/v3/framework/web"

	sessionauthflamingo "github.com/sessionauth/sessionauth/flamingo"
)

func main() {
	flamingo.App(modules())
}

// modules are the application's: sessionauth's login (which brings its
// session backend) before Flamingo's SessionModule, Flamingo's health
// check, and the pages.
func modules() []dingo.Module {
	return []dingo.Module{
		new(sessionauthflamingo.AuthModule),
		new(fl.SessionModule),
		new(healthcheck.Module),
		dingo.ModuleFunc(func(injector *dingo.Injector) { web.BindRoutes(injector, new(routes)) }),
	}
}
