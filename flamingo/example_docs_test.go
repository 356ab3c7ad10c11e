package sessionauthflamingo_test

import (
	"flamingo.me/dingo"
	"flamingo.me/flamingo/v3"
	"flamingo.me/flamingo/v3/core/healthcheck"
	fl "flamingo.me/flamingo/v3/framework/flamingo"

	sessionauthflamingo "github.com/sessionauth/sessionauth/flamingo"
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
