package opcmd

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"

	"github.com/sessionauth/sessionauth/config"
)

const checkAbout = `Check reads the configuration files as the application does (later files
merged over earlier ones, %%ENV:NAME%% resolved, Flamingo's spellings and
aliases accepted) and prints every problem with the library's own message,
the warnings the application would log, and the effective configuration:
defaults filled in, secrets shown as (set) or (not set).

With --connect it also pings the Redis the configuration names (every node
of a cluster, and the slot coverage) and fetches each OpenID broker's
discovery document and JWKS. The exit code is 1 when anything is wrong.`

// checkReport is check's result, as --json prints it.
type checkReport struct {
	OK        bool             `json:"ok"`
	Files     []string         `json:"files"`
	Problems  []config.Problem `json:"problems"`
	Warnings  []string         `json:"warnings"`
	Effective []Setting        `json:"effective"`
	Connect   []Result         `json:"connect,omitempty"`
}

func runCheck(args []string, env Env) int {
	fs := newFlags(env, "check", "config.yml [more.yml …]", checkAbout)
	connect := fs.Bool("connect", false, "also connect to Redis and fetch each OpenID broker's discovery document and JWKS")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	files, code, done := parse(fs, args)
	if done {
		return code
	}
	if len(files) == 0 {
		fmt.Fprintln(env.Stderr, "sessionauth check: name at least one configuration file")
		fs.Usage()
		return ExitUsage
	}
	cfg, err := Load(files, env.LookupEnv)
	if err != nil {
		fmt.Fprintln(env.Stderr, "sessionauth check:", err)
		return ExitProblem
	}
	c := Check(cfg)
	r := checkReport{OK: c.OK(), Files: files, Problems: c.Problems, Warnings: c.Warnings, Effective: Effective(c.Values)}
	if *connect && c.OK() {
		results, warnings := Connect(context.Background(), c)
		r.Connect, r.Warnings = results, append(r.Warnings, warnings...)
		for _, res := range results {
			r.OK = r.OK && res.OK
		}
	}
	if *asJSON {
		writeJSON(env.Stdout, r)
	} else {
		writeCheck(env, r, *connect)
	}
	if !r.OK {
		return ExitProblem
	}
	return ExitOK
}

// Connect runs the checks of --connect for a configuration without
// problems: the backend's Redis, the old Redis of a migration, and every
// OpenID broker.
func Connect(ctx context.Context, c Checked) ([]Result, []string) {
	var out []Result
	var warnings []string
	if c.Session.Backend == "redis" {
		out = append(out, ConnectRedis(ctx, "redis", c.Session.Redis)...)
	}
	if c.Session.Backend == "cookie" && c.Session.CookieStore.Revocation == "redis" {
		out = append(out, ConnectRedis(ctx, "revocation redis (flamingo.session.cookie.revocation)", c.Session.Redis)...)
	}
	if m := c.Session.Migrate; m.From == "redis" && m.OwnRedis {
		out = append(out, ConnectRedis(ctx, "old redis (flamingo.session.migrate.redis)", m.Redis)...)
	}
	client := &http.Client{Timeout: discoveryTimeout}
	for _, b := range c.Auth.Brokers {
		if b.Type != "oidc" {
			continue
		}
		res, w := ConnectBroker(ctx, client, b)
		out = append(out, res)
		warnings = append(warnings, w...)
	}
	return out, warnings
}

func writeJSON(w io.Writer, v any) {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

// writeCheck prints the report for people: problems on stderr, the rest
// on stdout.
func writeCheck(env Env, r checkReport, connect bool) {
	if len(r.Problems) > 0 {
		fmt.Fprintln(env.Stderr, (&config.Error{Problems: r.Problems}).Error())
	}
	for _, w := range r.Warnings {
		fmt.Fprintln(env.Stderr, "warning:", w)
	}
	fmt.Fprintln(env.Stdout, "effective configuration:")
	for _, s := range r.Effective {
		mark := ""
		if s.Default {
			mark = "  (default)"
		}
		fmt.Fprintf(env.Stdout, "  %s = %s%s\n", s.Key, s.Value, mark)
	}
	if connect && len(r.Problems) > 0 {
		fmt.Fprintln(env.Stdout, "connect: skipped, the configuration has problems")
	}
	for _, res := range r.Connect {
		status := "ok  "
		if !res.OK {
			status = "FAIL"
		}
		fmt.Fprintf(env.Stdout, "%s %s: %s\n", status, res.Target, res.Detail)
	}
	summary := plural(len(r.Problems), "problem")
	if failed := countFailed(r.Connect); failed > 0 {
		summary += ", " + plural(failed, "failed connection check")
	}
	if r.OK {
		summary = "the configuration is usable"
	}
	fmt.Fprintln(env.Stdout, summary)
}

func countFailed(rs []Result) int {
	n := 0
	for _, r := range rs {
		if !r.OK {
			n++
		}
	}
	return n
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}
