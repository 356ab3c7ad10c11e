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
