package opcmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"sort"

	"github.com/sessionauth/sessionauth/infrastructure/legacysession"
	"github.com/sessionauth/sessionauth/infrastructure/redisstore"
	"github.com/sessionauth/sessionauth/internal/backends"
)

const migrateAbout = `Migrate moves the sessions of Flamingo's own Redis or file backend into
the configured backend ahead of their visitors' return, by the rules of the
live migration (flamingo.session.migrate.from): the new session ID derived
from the old one with flamingo.session.secret, Flamingo's core/auth keys
dropped, a session whose values cannot be decoded left where it is. The
application must keep flamingo.session.migrate.from (redis or file), so
that a visitor who comes back with the old cookie gets the moved session
and a new cookie; the old cookie opens it until flamingo.session.max.age
has passed.

Run it with --dry-run first. It is resumable: a moved session leaves the old
store, so a second run carries on with the rest. It reads at most --rate
keys or files a second, and prints what it moved, skipped (with the
reason) and failed.`

// Summary is what a migration did, or would do with --dry-run.
type Summary struct {
	DryRun  bool           `json:"dryRun"`
	Moved   int            `json:"moved"`     // with --dry-run: would be moved
	Skipped map[string]int `json:"skipped"`   // by reason
	Failed  map[string]int `json:"failed"`    // by error
	Other   int            `json:"otherKeys"` // keys that are not old sessions
}

func runMigrate(args []string, env Env) int {
	fs := newFlags(env, "migrate", "--config config.yml --from redis|file [--dry-run]", migrateAbout)
	var files configFlag
	fs.Var(&files, "config", "the application's configuration file (repeat for several, later ones win)")
	from := fs.String("from", "", "the old store: redis or file")
	dryRun := fs.Bool("dry-run", false, "read every old session and say what would happen, moving nothing")
	rate := fs.Float64("rate", defaultRate, "most keys read a second; 0 for no limit")
	asJSON := fs.Bool("json", false, "print the summary as JSON")
	positional, code, done := parse(fs, args)
	if done {
		return code
	}
	s, err := migrate(files, positional, *from, *dryRun, *rate, env)
	var usage errUsage
	switch {
	case errors.As(err, &usage):
		fmt.Fprintln(env.Stderr, "sessionauth migrate:", err)
		fs.Usage()
		return ExitUsage
	case err != nil:
		fmt.Fprintln(env.Stderr, "sessionauth migrate:", err)
		if s == nil {
			return ExitProblem
		}
	}
	if *asJSON {
		writeJSON(env.Stdout, s)
	} else {
		writeSummary(env.Stdout, s)
	}
	if err != nil || len(s.Failed) > 0 {
		return ExitProblem
	}
	return ExitOK
}

func migrate(files, positional []string, from string, dryRun bool, rate float64, env Env) (*Summary, error) {
	switch {
	case len(positional) > 0:
		return nil, errUsage(fmt.Sprintf("unexpected argument %q", positional[0]))
	case from != "redis" && from != "file":
		return nil, errUsage("say where the old sessions are: --from redis or --from file")
	case rate < 0:
		return nil, errUsage("--rate must not be negative")
	}
	c, err := loadConfig(files, env)
	if err != nil {
		return nil, err
	}
	if c.Session.Migrate.From != from {
		return nil, fmt.Errorf("flamingo.session.migrate.from is %q, not %q: set it in the application's configuration first, so that visitors who return with the old cookie get the moved session",
			c.Session.Migrate.From, from)
	}
	if from == "file" {
		return migrateFile(context.Background(), c, dryRun, rate, env.Stderr)
	}
	return migrateRedis(context.Background(), c, dryRun, rate, env.Stderr)
}

// migrateFile walks the directory of Flamingo's file backend
// (flamingo.session.migrate.file) and moves each old session.
func migrateFile(ctx context.Context, c Checked, dryRun bool, rate float64, progressTo io.Writer) (*Summary, error) {
	s, dir := c.Session, c.Session.Migrate.File
	if info, err := os.Stat(dir); err != nil || !info.IsDir() {
		if err == nil {
			err = errors.New("not a directory")
		}
		return nil, fmt.Errorf("config key flamingo.session.migrate.file = %q: %w; name the directory of Flamingo's file backend (its flamingo.session.file)", dir, pathless(err))
	}
	repo, closeRepo, err := OpenStore(s)
	if err != nil {
		return nil, err
	}
	defer closeRepo()
	source := legacysession.File(legacysession.FileOptions{
		Dir: dir, Name: s.Name, Secrets: append([]string{s.Secret}, s.Previous...), MaxAge: s.MaxAge, MaxSize: s.MaxSize,
	})
	migrator := legacysession.New(repo, source, legacysession.Options{
		Key: []byte(s.Secret), Window: s.MaxAge, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	st := store{
		total: func(context.Context) (int, error) { return countFiles(dir) },
		ids: func(ctx context.Context, visit func(string) error) error {
			return eachFile(dir, func(name string) error {
				id, _ := legacysession.FileID(name) // "" for other files
				return visit(id)
			})
		}}
	return moveAll(ctx, st, migrator, dryRun, rate, progressTo)
}

// eachFile calls visit with the name of each file in dir, reading the
// directory in batches so that a large one is never held whole.
func eachFile(dir string, visit func(name string) error) error {
	d, err := os.Open(dir)
	if err != nil {
		return pathless(err)
	}
	defer func() { _ = d.Close() }()
	for {
		names, err := d.Readdirnames(1000)
		for _, n := range names {
			if err := visit(n); err != nil {
				return err
			}
		}
		switch {
		case errors.Is(err, io.EOF):
			return nil
		case err != nil:
			return pathless(err)
		}
	}
}

// countFiles is how many files dir holds.
func countFiles(dir string) (int, error) {
	n := 0
	err := eachFile(dir, func(string) error { n++; return nil })
	return n, err
}

// pathless returns err without the file name os errors carry: the name of
// a session's file holds its ID.
func pathless(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %w", pe.Op, pe.Err)
	}
	return err
}

// migrateRedis walks the old Redis with SCAN and moves each old session.
func migrateRedis(ctx context.Context, c Checked, dryRun bool, rate float64, progressTo io.Writer) (*Summary, error) {
	s, m := c.Session, c.Session.Migrate
	oldClient, err := redisstore.NewClient(backends.ClientOptions(m.Redis))
	if err != nil {
		return nil, err
	}
	defer func() { _ = oldClient.Close() }()
	if err := backends.Ping(ctx, oldClient, m.Redis); err != nil {
		return nil, err
	}
	repo, closeRepo, err := OpenStore(s)
	if err != nil {
		return nil, err
	}
	defer closeRepo()
	migrator := legacysession.New(repo, legacysession.Redis(oldClient, m.KeyPrefix, s.MaxSize), legacysession.Options{
		Key: []byte(s.Secret), Window: s.MaxAge, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	st := store{total: func(ctx context.Context) (int, error) { return eachNode(ctx, oldClient, dbSize) },
		ids: scanIDs(oldClient, m.KeyPrefix, legacysession.RedisID)}
	return moveAll(ctx, st, migrator, dryRun, rate, progressTo)
}

// moveAll moves (or with dryRun reads) every old session st yields.
func moveAll(ctx context.Context, st store, m *legacysession.Migrator, dryRun bool, rate float64, progressTo io.Writer) (*Summary, error) {
	total, err := st.total(ctx)
	if err != nil {
		return nil, err
	}
	sum, lim, p, seen := &Summary{DryRun: dryRun, Skipped: map[string]int{}, Failed: map[string]int{}}, &limiter{rate: rate}, newProgress(progressTo, total), 0
	err = st.ids(ctx, func(id string) error {
		seen++
		p.step(seen, false)
		if id == "" {
			sum.Other++
			return nil
		}
		if err := lim.wait(ctx); err != nil {
			return err
		}
		moveOne(ctx, m, id, dryRun, sum)
		return nil
	})
	p.step(seen, true)
	return sum, err
}

// gone is the reason of a session that ended while the migration ran.
const gone = "gone meanwhile: expired, or moved by the application"

func moveOne(ctx context.Context, m *legacysession.Migrator, id string, dryRun bool, sum *Summary) {
	found, err := m.ReadableID(ctx, id)
	switch {
	case err != nil:
		sum.Skipped[err.Error()]++
		return
	case !found:
		sum.Skipped[gone]++
		return
	case dryRun:
		sum.Moved++
		return
	}
	s, err := m.MigrateID(ctx, id)
	switch {
	case err != nil:
		sum.Failed[err.Error()]++
	case s == nil:
		sum.Skipped[gone]++
	default:
		sum.Moved++
	}
}

func writeSummary(w io.Writer, s *Summary) {
	verb := "moved"
	if s.DryRun {
		verb = "would move"
	}
	fmt.Fprintf(w, "%s: %d\n", verb, s.Moved)
	writeReasons(w, "skipped", s.Skipped)
	writeReasons(w, "failed", s.Failed)
	fmt.Fprintf(w, "other keys: %d\n", s.Other)
}

// writeReasons prints the total of counts and each reason's count.
func writeReasons(w io.Writer, what string, counts map[string]int) {
	fmt.Fprintf(w, "%s: %d\n", what, total(counts))
	reasons := make([]string, 0, len(counts))
	for r := range counts {
		reasons = append(reasons, r)
	}
	sort.Strings(reasons)
	for _, r := range reasons {
		fmt.Fprintf(w, "  %6d  %s\n", counts[r], r)
	}
}

func total(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}
