package opcmd

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/sessionauth/sessionauth/config"
	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/infrastructure/redisstore"
	"github.com/sessionauth/sessionauth/internal/backends"
)

// store is a backend stats walks: how many keys or files it holds about,
// each session ID found, and the repository that loads them.
type store struct {
	repo  domain.SessionRepository
	total func(context.Context) (int, error)
	// ids calls visit with each key or file seen: the session ID in it, or
	// "" for one that is not a session's.
	ids   func(ctx context.Context, visit func(id string) error) error
	close func()
}

// fileStore walks the session directory.
func fileStore(s config.Session) (store, error) {
	repo, closeRepo, err := OpenStore(s)
	if err != nil {
		return store{}, err
	}
	list := func() ([]os.DirEntry, error) { return os.ReadDir(s.File) }
	return store{repo: repo, close: closeRepo,
		total: func(context.Context) (int, error) { e, err := list(); return len(e), err },
		ids: func(ctx context.Context, visit func(string) error) error {
			entries, err := list()
			if err != nil {
				return err
			}
			for _, e := range entries {
				id, ok := strings.CutSuffix(e.Name(), ".session")
				if !ok || !domain.ValidSessionID(id) {
					id = ""
				}
				if err := visit(id); err != nil {
					return err
				}
			}
			return nil
		},
	}, nil
}

// redisStore scans Redis with SCAN, every master of a cluster, never KEYS.
func redisStore(s config.Session) (store, error) {
	r := s.Redis
	client, err := redisstore.NewClient(backends.ClientOptions(r))
	if err != nil {
		return store{}, err
	}
	if err := backends.Ping(context.Background(), client, r); err != nil {
		_ = client.Close()
		return store{}, err
	}
	repo := redisstore.New(client, redisstore.Options{KeyPrefix: r.KeyPrefix, MaxAge: s.MaxAge, MaxSize: s.MaxSize})
	return store{repo: repo, close: func() { _ = client.Close() },
		total: func(ctx context.Context) (int, error) { return eachNode(ctx, client, dbSize) },
		ids:   scanIDs(client, r.KeyPrefix, domain.ValidSessionID),
	}, nil
}

// eachNode runs f on the server of client, or on every master of a
// cluster, and adds up what they return.
func eachNode(ctx context.Context, client redis.UniversalClient, f func(context.Context, *redis.Client) (int, error)) (int, error) {
	c, ok := client.(*redis.ClusterClient)
	if !ok {
		return f(ctx, client.(*redis.Client))
	}
	var mu sync.Mutex
	sum := 0
	err := c.ForEachMaster(ctx, func(ctx context.Context, node *redis.Client) error {
		n, err := f(ctx, node)
		mu.Lock()
		sum += n
		mu.Unlock()
		return err
	})
	return sum, err
}

func dbSize(ctx context.Context, node *redis.Client) (int, error) {
	n, err := node.DBSize(ctx).Result()
	return int(n), err
}

// scanBatch is SCAN's COUNT: a hint of how many keys one call looks at.
const scanBatch = 100

// scanIDs visits the keys under prefix on every master of client as
// scanNode does, one visit at a time.
func scanIDs(client redis.UniversalClient, prefix string, valid func(string) bool) func(context.Context, func(string) error) error {
	return func(ctx context.Context, visit func(string) error) error {
		var mu sync.Mutex // a cluster's masters are scanned at once
		_, err := eachNode(ctx, client, func(ctx context.Context, node *redis.Client) (int, error) {
			return 0, scanNode(ctx, node, prefix, valid, func(id string) error {
				mu.Lock()
				defer mu.Unlock()
				return visit(id)
			})
		})
		return err
	}
}

// scanNode calls visit with each key's ID (the key less prefix) that valid
// accepts, and "" for the other keys; it skips the big-values hashes of
// sessionauth's records.
func scanNode(ctx context.Context, node *redis.Client, prefix string, valid func(string) bool, visit func(string) error) error {
	match := globEscape(prefix) + "*"
	var cursor uint64
	for {
		keys, next, err := node.Scan(ctx, cursor, match, scanBatch).Result()
		if err != nil {
			return fmt.Errorf("SCAN at %s: %w", node.Options().Addr, err)
		}
		for _, k := range keys {
			if redisstore.IsBigValuesKey(prefix, k) {
				continue // part of a session's record, counted with it
			}
			id := strings.TrimPrefix(k, prefix)
			if !valid(id) {
				id = ""
			}
			if err := visit(id); err != nil {
				return err
			}
		}
		if cursor = next; cursor == 0 {
			return nil
		}
	}
}

// globEscape escapes the characters SCAN's MATCH pattern treats as glob.
func globEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`*?[]\`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// limiter spaces calls to at most rate a second; rate 0 is no limit.
type limiter struct {
	rate  float64
	start time.Time
	n     int
}

func (l *limiter) wait(ctx context.Context) error {
	if l.rate <= 0 {
		return nil
	}
	if l.start.IsZero() {
		l.start = time.Now()
	}
	l.n++
	due := l.start.Add(time.Duration(float64(l.n) / l.rate * float64(time.Second)))
	if d := time.Until(due); d > 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// progress reports how far a walk is, on stderr: a bar redrawn in place
// on a terminal, a line every few seconds otherwise.
type progress struct {
	w        io.Writer
	terminal bool
	total    int
	last     time.Time
	every    time.Duration
}

func newProgress(w io.Writer, total int) *progress {
	p := &progress{w: w, total: total, every: 2 * time.Second}
	if f, ok := w.(*os.File); ok {
		if info, err := f.Stat(); err == nil && info.Mode()&os.ModeCharDevice != 0 {
			p.terminal, p.every = true, 100*time.Millisecond
		}
	}
	p.last = time.Now()
	return p
}

// step reports done keys; final forces the report.
func (p *progress) step(done int, final bool) {
	if !final && time.Since(p.last) < p.every {
		return
	}
	p.last = time.Now()
	total := max(p.total, done)
	if !p.terminal {
		fmt.Fprintf(p.w, "scanned %d of about %d keys\n", done, total)
		return
	}
	const width = 30
	filled := width
	if total > 0 {
		filled = done * width / total
	}
	fmt.Fprintf(p.w, "\r[%s%s] %d/%d keys", strings.Repeat("#", filled), strings.Repeat(" ", width-filled), done, total)
	if final {
		fmt.Fprintln(p.w)
	}
}
