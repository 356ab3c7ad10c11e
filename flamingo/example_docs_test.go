package sessionauthflamingo_test

import (
	"time"

	"flamingo.me/dingo"
	"flamingo.me/flamingo/v3"
	"flamingo.me/flamingo/v3/core/healthcheck"
	fl "flamingo.me/flamingo/v3/framework/flamingo"
	"flamingo.me/flamingo/v3/framework/web"

	sessionauthflamingo "github.com/sessionauth/sessionauth/flamingo"
	sessionauthweb "github.com/sessionauth/sessionauth/interfaces/web"
)

// The application of docs/flamingo.md; flamingo.App runs the server (and
// exits the process), so it is compiled, not run. The root module's
// TestSnippetsAreExamples checks that docs/flamingo.md shows these lines.
func ExampleAuthModule() {
	// snippet flamingo-app
	flamingo.App([]dingo.Module{
		new(sessionauthflamingo.AuthModule), // or Module; before Flamingo's SessionModule
		new(fl.SessionModule),               // fl "flamingo.me/flamingo/v3/framework/flamingo"
		new(healthcheck.Module),
		// your modules
	})
	// snippet end
}

// The step-up route of docs/auth.md in Flamingo's router.
func ExampleRequireLogin() {
	var registry *web.RouterRegistry
	var payouts web.Action // a controller's action
	// snippet flamingo-stepup
	registry.MustRoute("/account/payouts", "account.payouts")
	registry.HandleGet("account.payouts", sessionauthflamingo.RequireLogin(
		sessionauthweb.RequireLoginOptions{MaxAge: 5 * time.Minute, ACRValues: []string{"gold"}}, payouts))
	// snippet end
}
