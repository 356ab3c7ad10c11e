// Command ratios reads the output of make bench-compare's passes (go test
// -bench lines, each row once per pass) and prints each row's medians and
// the ratios between rows paired within a pass: the n-th result of one
// row divided by the n-th result of the other, then the median and the
// range of those quotients. Pairing within a pass cancels the noise that
// hits both rows of a pass alike.
//
//	go run ./cmd/ratios < bench-compare.out
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// results holds, by row (Request/variant/page) and unit, the values in
// the order of the passes.
type results map[string]map[string][]float64

var benchLine = regexp.MustCompile(`^Benchmark(\S+?)(-\d+)?\s+\d+\s+(.*)$`)

func parse(r io.Reader) results {
	res := results{}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		m := benchLine.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		row := m[1]
		if res[row] == nil {
			res[row] = map[string][]float64{}
		}
		f := strings.Fields(m[3])
		for i := 0; i+1 < len(f); i += 2 {
			if v, err := strconv.ParseFloat(f[i], 64); err == nil {
				res[row][f[i+1]] = append(res[row][f[i+1]], v)
			}
		}
	}
	return res
}

// comparison is one line of the ratio table.
type comparison struct{ label, row, base, unit string }

var comparisons = []comparison{
	{"memory, read: sessionauth ÷ live-map floor", "sessionauth-memory/read", "floor-memory/read", "ns/op"},
	{"memory, write: sessionauth ÷ live-map floor", "sessionauth-memory/write", "floor-memory/write", "ns/op"},
	{"memory, read: sessionauth ÷ scs", "sessionauth-memory/read", "scs-memory/read", "ns/op"},
	{"memory, write: sessionauth ÷ scs", "sessionauth-memory/write", "scs-memory/write", "ns/op"},
	{"Redis, read: sessionauth ÷ go-redis floor", "sessionauth-redis/read", "floor-redis/read", "ns/op"},
	{"Redis, write: sessionauth ÷ go-redis floor", "sessionauth-redis/write", "floor-redis/write", "ns/op"},
	{"Redis, read: sessionauth ÷ scs", "sessionauth-redis/read", "scs-redis/read", "ns/op"},
	{"Redis, write: sessionauth ÷ scs", "sessionauth-redis/write", "scs-redis/write", "ns/op"},
	{"Redis, write: go-redis floor ÷ scs (the least the same round trips cost)", "floor-redis/write", "scs-redis/write", "ns/op"},
	{"Redis, read: sessionauth ÷ gorilla + redistore", "sessionauth-redis/read", "gorilla-redistore/read", "ns/op"},
	{"Redis, write: sessionauth ÷ gorilla + redistore", "sessionauth-redis/write", "gorilla-redistore/write", "ns/op"},
	{"cookies, read: sessionauth ÷ gorilla CookieStore, encrypted", "sessionauth-cookie/read", "gorilla-cookie-encrypted/read", "ns/op"},
	{"cookies, write: sessionauth ÷ gorilla CookieStore, encrypted", "sessionauth-cookie/write", "gorilla-cookie-encrypted/write", "ns/op"},
	{"cookies, logged in, read: sessionauth ÷ gorilla CookieStore, encrypted", "sessionauth-cookie-login/read", "gorilla-cookie-encrypted-login/read", "ns/op"},
	{"cookies, logged in, write: sessionauth ÷ gorilla CookieStore, encrypted", "sessionauth-cookie-login/write", "gorilla-cookie-encrypted-login/write", "ns/op"},
	{"cookies, read: sessionauth ÷ gorilla CookieStore, signed", "sessionauth-cookie/read", "gorilla-cookie-signed/read", "ns/op"},
	{"cookies, write: sessionauth ÷ gorilla CookieStore, signed", "sessionauth-cookie/write", "gorilla-cookie-signed/write", "ns/op"},
	{"Redis, write, server time: sessionauth ÷ go-redis floor", "sessionauth-redis/write", "floor-redis/write", "server-µs/op"},
	{"Flamingo, read: with sessionauth ÷ Flamingo Always", "flamingo-sessionauth/read", "flamingo-always/read", "ns/op"},
	{"Flamingo, write: with sessionauth ÷ Flamingo Always", "flamingo-sessionauth/write", "flamingo-always/write", "ns/op"},
	{"Flamingo, read: with sessionauth ÷ Flamingo OnWrite", "flamingo-sessionauth/read", "flamingo-onwrite/read", "ns/op"},
	{"Flamingo, write: with sessionauth ÷ Flamingo OnWrite", "flamingo-sessionauth/write", "flamingo-onwrite/write", "ns/op"},
	{"Flamingo, read: floor backend ÷ Flamingo Always", "flamingo-floor/read", "flamingo-always/read", "ns/op"},
	{"Flamingo, write: floor backend ÷ Flamingo Always", "flamingo-floor/write", "flamingo-always/write", "ns/op"},
	{"Flamingo, read: with sessionauth ÷ floor backend", "flamingo-sessionauth/read", "flamingo-floor/read", "ns/op"},
	{"Flamingo, write: with sessionauth ÷ floor backend", "flamingo-sessionauth/write", "flamingo-floor/write", "ns/op"},
}

func median(v []float64) float64 {
	s := slices.Sorted(slices.Values(v))
	switch {
	case len(s) == 0:
		return 0
	case len(s)%2 == 1:
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// paired returns the quotients of the n-th values of a and b.
func paired(a, b []float64) []float64 {
	var q []float64
	for i := 0; i < len(a) && i < len(b); i++ {
		if b[i] != 0 {
			q = append(q, a[i]/b[i])
		}
	}
	return q
}

func printRows(w io.Writer, res results) {
	fmt.Fprintln(w, "| row | passes | time (median) | allocs | Redis round trips | server commands | server µs |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|")
	var rows []string
	for r := range res {
		if strings.HasPrefix(r, "Request/") {
			rows = append(rows, r)
		}
	}
	slices.Sort(rows)
	for _, row := range rows {
		u := res[row]
		fmt.Fprintf(w, "| %s | %d | %.1f µs | %.0f | %s | %s | %s |\n", strings.TrimPrefix(row, "Request/"), len(u["ns/op"]),
			median(u["ns/op"])/1000, median(u["allocs/op"]), opt(u, "roundtrips/op", "%.2f"), opt(u, "cmds/op", "%.2f"), opt(u, "server-µs/op", "%.1f"))
	}
}

func opt(u map[string][]float64, unit, format string) string {
	if len(u[unit]) == 0 {
		return "–"
	}
	return fmt.Sprintf(format, median(u[unit]))
}

func printRatios(w io.Writer, res results) {
	fmt.Fprintln(w, "| compared | paired ratio, median | min – max | pairs |")
	fmt.Fprintln(w, "|---|---|---|---|")
	for _, c := range comparisons {
		q := paired(res["Request/"+c.row][c.unit], res["Request/"+c.base][c.unit])
		if len(q) > 0 {
			fmt.Fprintf(w, "| %s | %.2f× | %.2f – %.2f | %d |\n", c.label, median(q), slices.Min(q), slices.Max(q), len(q))
		}
	}
}

// serverComparisons divide BenchmarkServerWrite's rows by one another:
// the server time of one write (server-µs/op) and the time the client
// waits for it, a round trip on loopback (ns/op).
var serverComparisons = []struct{ label, row, base string }{
	{"empty script ÷ HSET + PEXPIRE", "script-empty", "commands"},
	{"script running HSET, PEXPIRE ÷ HSET + PEXPIRE", "script-hset-pexpire", "commands"},
	{"script running HMGET, HSET, PEXPIRE ÷ HSET + PEXPIRE", "script-hmget-hset-pexpire", "commands"},
	{"sessionauth's save script ÷ HSET + PEXPIRE", "sessionauth-save", "commands"},
	{"sessionauth's save script ÷ script running HMGET, HSET, PEXPIRE", "sessionauth-save", "script-hmget-hset-pexpire"},
}

func printServerWrites(w io.Writer, res results) {
	if len(res["ServerWrite/commands"]["server-µs/op"]) == 0 {
		return
	}
	fmt.Fprintln(w, "| one write | server time: paired ratio, median | min – max | round trip: paired ratio, median | min – max | pairs |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|")
	for _, c := range serverComparisons {
		row, base := res["ServerWrite/"+c.row], res["ServerWrite/"+c.base]
		server, trip := paired(row["server-µs/op"], base["server-µs/op"]), paired(row["ns/op"], base["ns/op"])
		if len(server) > 0 && len(trip) > 0 {
			fmt.Fprintf(w, "| %s | %.2f× | %.2f – %.2f | %.2f× | %.2f – %.2f | %d |\n", c.label,
				median(server), slices.Min(server), slices.Max(server), median(trip), slices.Min(trip), slices.Max(trip), len(server))
		}
	}
	fmt.Fprintln(w)
}

func printFootprint(w io.Writer, res results) {
	for _, row := range []string{"Footprint/sessionauth-memory", "Footprint/floor-memory"} {
		if u := res[row]; len(u["B/session"]) > 0 {
			fmt.Fprintf(w, "%s: %.0f B per live session, %.2f× the %.0f B gob encoding of its values\n",
				strings.TrimPrefix(row, "Footprint/"), median(u["B/session"]), median(u["x-gob"]), median(u["gob-B/session"]))
		}
	}
}

func main() {
	res := parse(os.Stdin)
	if len(res) == 0 {
		fmt.Fprintln(os.Stderr, "ratios: no benchmark lines on standard input")
		os.Exit(1)
	}
	printRows(os.Stdout, res)
	fmt.Println()
	printRatios(os.Stdout, res)
	fmt.Println()
	printServerWrites(os.Stdout, res)
	printFootprint(os.Stdout, res)
}
