// Package opcmd is the operator's command, cmd/sessionauth: it reads the
// configuration files the application reads and answers an operator's
// questions about them. What the command decides (which problems a
// configuration has, what the effective configuration is, what a Redis or
// an OpenID provider must offer) lives here, where fast tests reach it;
// cmd/sessionauth only calls Main.
//
// Exit codes follow Go's command-line tools: 0 when all is well, 1 when a
// problem was found, 2 for a wrong command line. Problems and errors go to
// stderr, results to stdout; --json gives the result as one JSON document.
package opcmd

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/sessionauth/sessionauth/infrastructure/redisstore"
)

// The exit codes.
const (
	ExitOK      = 0 // nothing wrong
	ExitProblem = 1 // a problem was found, or the command could not do its work
	ExitUsage   = 2 // the command line is wrong
)

// Env is what a run of the command sees of the world.
type Env struct {
	Stdout, Stderr io.Writer
	// LookupEnv resolves %%ENV:NAME%% in configuration files.
	LookupEnv func(string) (string, bool)
}

const usage = `sessionauth is the operator's command of the sessionauth library.

Usage:

	sessionauth <command> [flags] [arguments]

Commands:

	check     check configuration files; with --connect, Redis and the OpenID providers too
	sessions  list, show and end the sessions of a user
	stats     count the sessions by kind, bytes and expiry
	migrate   move the sessions of Flamingo's Redis or file backend ahead of their visitors' return

Run "sessionauth <command> -h" for a command's flags.
`

// Main runs the command line args (without the program name) and returns
// the exit code.
func Main(args []string, env Env) int {
	// Each command words a Redis that fails in its own message, naming the
	// key to fix; go-redis's own log lines would only repeat it, without.
	redisstore.SetGoRedisLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))
	if len(args) == 0 {
		fmt.Fprint(env.Stderr, usage)
		return ExitUsage
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		fmt.Fprint(env.Stdout, usage)
		return ExitOK
	case "check":
		return runCheck(args[1:], env)
	case "sessions":
		return runSessions(args[1:], env)
	case "stats":
		return runStats(args[1:], env)
	case "migrate":
		return runMigrate(args[1:], env)
	}
	fmt.Fprintf(env.Stderr, "sessionauth: unknown command %q\n\n%s", args[0], usage)
	return ExitUsage
}

// parse parses flags and positional arguments in any order, as operators
// write them (`check config.yml --connect`). It returns the positional
// arguments, and the exit code when the run ends here: ExitOK after -h,
// ExitUsage for a wrong flag.
func parse(fs *flag.FlagSet, args []string) ([]string, int, bool) {
	var rest []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, ExitOK, true
			}
			return nil, ExitUsage, true
		}
		args = fs.Args()
		if len(args) == 0 {
			return rest, 0, false
		}
		if args[0] == "--" {
			return append(rest, args[1:]...), 0, false
		}
		rest = append(rest, args[0])
		args = args[1:]
	}
}

// newFlags is a flag set whose usage names the command and its
// arguments, written to env.Stderr as the flag package does.
func newFlags(env Env, name, arguments, about string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: sessionauth %s [flags] %s\n\n%s\n\nFlags:\n", name, arguments, strings.TrimSpace(about))
		fs.PrintDefaults()
	}
	return fs
}
