package main

import (
	"strings"
	"testing"
)

func TestPairedRatios(t *testing.T) {
	out := `BenchmarkRequest/a/read-2   100   2000 ns/op   1.000 roundtrips/op   10 allocs/op
BenchmarkRequest/b/read-2   100   1000 ns/op   5 allocs/op
BenchmarkRequest/a/read-2   100   9000 ns/op   1.000 roundtrips/op   10 allocs/op
BenchmarkRequest/b/read-2   100   3000 ns/op   5 allocs/op
BenchmarkRequest/a/read-2   100   3000 ns/op   1.000 roundtrips/op   10 allocs/op
BenchmarkRequest/b/read-2   100   2000 ns/op   5 allocs/op
`
	res := parse(strings.NewReader(out))
	a, b := res["Request/a/read"]["ns/op"], res["Request/b/read"]["ns/op"]
	q := paired(a, b)
	// per pass: 2, 3, 1.5: the median pairs, not the ratio of medians (3000/2000)
	if len(q) != 3 || median(q) != 2 || median(a)/median(b) != 1.5 {
		t.Fatalf("paired %v, median %v; want [2 3 1.5], 2", q, median(q))
	}
	if got := res["Request/a/read"]["roundtrips/op"]; len(got) != 3 || got[0] != 1 {
		t.Fatalf("round trips %v", got)
	}
}

func TestServerWriteRatios(t *testing.T) {
	out := `BenchmarkServerWrite/commands-2   100   2000 ns/op   2.000 cmds/op   1.000 server-µs/op
BenchmarkServerWrite/sessionauth-save-2   100   2000 ns/op   4.000 cmds/op   5.000 server-µs/op
BenchmarkServerWrite/commands-2   100   2000 ns/op   2.000 cmds/op   2.000 server-µs/op
BenchmarkServerWrite/sessionauth-save-2   100   2000 ns/op   4.000 cmds/op   6.000 server-µs/op
`
	var w strings.Builder
	printServerWrites(&w, parse(strings.NewReader(out)))
	if want := "| sessionauth's save script ÷ HSET + PEXPIRE | 4.00× | 3.00 – 5.00 | 1.00× | 1.00 – 1.00 | 2 |"; !strings.Contains(w.String(), want) {
		t.Fatalf("printed\n%s\nwant the line %q", w.String(), want)
	}
}
