package redistest

import (
	"bufio"
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"
)

// CommandStat is one line of INFO commandstats: how often a command ran
// on the server and the microseconds it took in all.
type CommandStat struct {
	Calls int64
	Usec  int64
	// FailedCalls are calls that ran and failed (a NOSCRIPT reply, an
	// error a script raised); refused ones (MOVED, ASK, TRYAGAIN) count in
	// neither.
	FailedCalls int64
}

// Commands is what a server ran, by lower-case command name ("evalsha",
// "hset", "client|setinfo"). Commands that a Lua script calls count as
// commands of their own.
type Commands map[string]CommandStat

// ReadCommands reads INFO commandstats of the server client talks to.
func ReadCommands(ctx context.Context, client *redis.Client) (Commands, error) {
	info, err := client.Info(ctx, "commandstats").Result()
	if err != nil {
		return nil, fmt.Errorf("INFO commandstats: %w", err)
	}
	cmds := Commands{}
	sc := bufio.NewScanner(strings.NewReader(info))
	for sc.Scan() {
		line, ok := strings.CutPrefix(sc.Text(), "cmdstat_")
		name, fields, found := strings.Cut(line, ":")
		if !ok || !found {
			continue
		}
		var stat CommandStat
		for _, f := range strings.Split(fields, ",") {
			k, v, _ := strings.Cut(f, "=")
			n, _ := strconv.ParseInt(v, 10, 64)
			switch k {
			case "calls":
				stat.Calls = n
			case "usec":
				stat.Usec = n
			case "failed_calls":
				stat.FailedCalls = n
			}
		}
		cmds[name] = stat
	}
	return cmds, nil
}

// Since returns what ran between before and c, leaving out commands that
// ran no more often.
func (c Commands) Since(before Commands) Commands {
	diff := Commands{}
	for name, s := range c {
		b := before[name]
		if s.Calls > b.Calls {
			diff[name] = CommandStat{Calls: s.Calls - b.Calls, Usec: s.Usec - b.Usec, FailedCalls: s.FailedCalls - b.FailedCalls}
		}
	}
	return diff
}

// Calls is the number of commands in c.
func (c Commands) Calls() int64 {
	var n int64
	for _, s := range c {
		n += s.Calls
	}
	return n
}

// String lists the commands by name with their calls: "hset=1 pexpire=1".
func (c Commands) String() string {
	names := make([]string, 0, len(c))
	for name, s := range c {
		names = append(names, fmt.Sprintf("%s=%d", name, s.Calls))
	}
	sort.Strings(names)
	return strings.Join(names, " ")
}

// connectionSetup are commands a client sends when it opens a connection.
var connectionSetup = []string{"hello", "client|setinfo", "auth", "select", "ping"}

// CommandsDuring returns the commands the server behind client ran while f
// ran, without the INFO calls that measure them and without a new
// connection's set-up. Nothing else may use the server meanwhile.
func CommandsDuring(t testing.TB, client *redis.Client, f func()) Commands {
	t.Helper()
	ctx := context.Background()
	before, err := ReadCommands(ctx, client)
	if err != nil {
		t.Fatal(err)
	}
	f()
	after, err := ReadCommands(ctx, client)
	if err != nil {
		t.Fatal(err)
	}
	diff := after.Since(before)
	delete(diff, "info")
	for _, name := range connectionSetup {
		delete(diff, name)
	}
	return diff
}
