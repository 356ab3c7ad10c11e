package opcmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/sessionauth/sessionauth/domain"
)

const statsAbout = `Stats counts the sessions of the backend the configuration names: by kind
(logged in, pending login, anonymous), their bytes, the largest ten (their
IDs shown as a hash, the same on every run) and when they expire.

Redis is walked with SCAN (every master of a cluster), never KEYS, at most
--rate keys a second, so that a production Redis keeps serving; the file
backend's directory is read. Progress goes to stderr: a bar on a terminal,
a line every two seconds otherwise.`

// defaultRate is stats' default of keys a second: one Redis round trip
// each, a small share of what one Redis serves.
const defaultRate = 1000

func runStats(args []string, env Env) int {
	fs := newFlags(env, "stats", "--config config.yml", statsAbout)
	var files configFlag
	fs.Var(&files, "config", "the application's configuration file (repeat for several, later ones win)")
	rate := fs.Float64("rate", defaultRate, "most keys or files read a second; 0 for no limit")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	positional, code, done := parse(fs, args)
	if done {
		return code
	}
	err := stats(files, positional, *rate, *asJSON, env)
	var usage errUsage
	switch {
	case errors.As(err, &usage):
		fmt.Fprintln(env.Stderr, "sessionauth stats:", err)
		fs.Usage()
		return ExitUsage
	case err != nil:
		fmt.Fprintln(env.Stderr, "sessionauth stats:", err)
		return ExitProblem
	}
	return ExitOK
}

func stats(files, positional []string, rate float64, asJSON bool, env Env) error {
	if len(positional) > 0 {
		return errUsage(fmt.Sprintf("unexpected argument %q", positional[0]))
	}
	if rate < 0 {
		return errUsage("--rate must not be negative")
	}
	c, err := loadConfig(files, env)
	if err != nil {
		return err
	}
	var st store
	switch c.Session.Backend {
	case "redis":
		st, err = redisStore(c.Session)
	case "cookie":
		return fmt.Errorf("flamingo.session.backend = \"cookie\": the sessions live in the visitors' browsers, and the server keeps at most the revocation store's index of logged-in ones; " +
			"there is nothing to count here (sessions list --sub SUBJECT lists a user's sessions when flamingo.session.cookie.revocation is set)")
	default:
		st, err = fileStore(c.Session) // memory and the others: OpenStore says why not
	}
	if err != nil {
		return err
	}
	defer st.close()
	t, err := Walk(context.Background(), st, rate, env.Stderr)
	if err != nil {
		return err
	}
	if asJSON {
		writeJSON(env.Stdout, t)
	} else {
		writeTally(env, t)
	}
	return nil
}

// Walk loads every session of st, at most rate a second, and counts them,
// reporting progress to w.
func Walk(ctx context.Context, st store, rate float64, w io.Writer) (*Tally, error) {
	total, err := st.total(ctx)
	if err != nil {
		return nil, err
	}
	t, lim, p := NewTally(), &limiter{rate: rate}, newProgress(w, total)
	seen := 0
	err = st.ids(ctx, func(id string) error {
		seen++
		p.step(seen, false)
		if id == "" {
			t.Skipped++
			return nil
		}
		if err := lim.wait(ctx); err != nil {
			return err
		}
		s, err := st.repo.Load(ctx, id)
		switch {
		case errors.Is(err, domain.ErrSessionNotFound):
			t.Skipped++
		case err != nil:
			return err
		default:
			t.Add(s, time.Now())
		}
		return nil
	})
	p.step(seen, true)
	return t, err
}

func writeTally(env Env, t *Tally) {
	w := env.Stdout
	fmt.Fprintf(w, "sessions: %d, %s\n", t.Total.Sessions, byteSize(t.Total.Bytes))
	for _, k := range kinds {
		c := t.Kinds[k]
		fmt.Fprintf(w, "  %-14s %8d  %s\n", k, c.Sessions, byteSize(c.Bytes))
	}
	if t.Skipped > 0 {
		fmt.Fprintf(w, "other keys or files, or sessions that ended meanwhile: %d\n", t.Skipped)
	}
	fmt.Fprintln(w, "largest:")
	for _, s := range t.Largest {
		fmt.Fprintf(w, "  %s  %-14s %s\n", s.Session, s.Kind, byteSize(s.Bytes))
	}
	fmt.Fprintln(w, "expire within:")
	for _, b := range t.Expiry {
		fmt.Fprintf(w, "  %-8s %8d\n", b.Within, b.Sessions)
	}
}

// byteSize is n in B, KiB or MiB.
func byteSize(n int) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
