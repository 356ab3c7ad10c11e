// Command sessionauth is the operator's command of the sessionauth
// library, reading the application's configuration files: check finds
// every configuration problem (with --connect, of the Redis and the OpenID
// providers it names too), sessions lists, shows and ends a user's
// sessions, stats counts the sessions of the store, and migrate moves the
// sessions of Flamingo's Redis or file backend ahead of their visitors'
// return.
//
//	go run github.com/sessionauth/sessionauth/cmd/sessionauth@latest check config.yml --connect
//
// Run it with -h, or a command with -h, for the flags. The exit code is 0
// when all is well, 1 when a problem was found and 2 for a wrong command
// line.
package main

import (
	"os"

	"github.com/sessionauth/sessionauth/internal/opcmd"
)

func main() {
	os.Exit(opcmd.Main(os.Args[1:], opcmd.Env{Stdout: os.Stdout, Stderr: os.Stderr, LookupEnv: os.LookupEnv}))
}
