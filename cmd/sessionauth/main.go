// Command sessionauth is the operator's command of the sessionauth
// library: it checks a configuration before a deploy, with --connect
// against the Redis and the OpenID providers it names.
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
