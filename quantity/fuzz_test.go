package quantity

import (
	"math"
	"strings"
	"testing"
)

// FuzzFind checks the grammar's invariants on any text (and on it as a
// 自评表 cell, through Target): no panic; each
// quantity's span is its text and lies after the one before; its value is
// finite; a range's lower end is at most its upper end; and a bare number's
// span is its text. The seed corpus is the test tables, so the default
// `go test` run stays fast.
func FuzzFind(f *testing.F) {
	for _, c := range grammarCases {
		f.Add(c.in)
	}
	for _, c := range numeralForms {
		f.Add(c.in)
	}
	for _, d := range append(append([]string{}, distractors...), numeralDistractors...) {
		f.Add(d)
	}
	f.Add("一亿一亿一亿一亿一亿一亿一亿一亿一亿一亿元")
	f.Add("9999999999999999999999999999亿元")
	f.Add("负-−－5%--3万元负负二")
	f.Fuzz(func(t *testing.T, s string) {
		r := []rune(s)
		prev := 0
		for _, q := range Find(s) {
			if q.Start < prev || q.End <= q.Start || q.End > len(r) {
				t.Fatalf("%q: span [%d,%d) after %d", s, q.Start, q.End, prev)
			}
			if string(r[q.Start:q.End]) != q.Text {
				t.Fatalf("%q: span [%d,%d) is %q, text %q", s, q.Start, q.End, string(r[q.Start:q.End]), q.Text)
			}
			if math.IsNaN(q.Value) || math.IsInf(q.Value, 0) {
				t.Fatalf("%q: value %v", s, q.Value)
			}
			if q.ValueHigh != nil && (math.IsNaN(*q.ValueHigh) || math.IsInf(*q.ValueHigh, 0) || *q.ValueHigh < q.Value) {
				t.Fatalf("%q: range %v–%v", s, q.Value, *q.ValueHigh)
			}
			if q.Unit == "" || q.Kind == "" {
				t.Fatalf("%q: no unit or kind in %+v", s, q)
			}
			prev = q.End
		}
		for _, n := range Numbers(s) {
			if n.End <= n.Start || n.End > len(r) || string(r[n.Start:n.End]) != n.Text || math.IsNaN(n.Value) || math.IsInf(n.Value, 0) {
				t.Fatalf("%q: number %+v", s, n)
			}
		}
		if q, rest, ok := Target(s); ok {
			cell := []rune(strings.TrimSpace(s))
			if q.Start != 0 || q.End > len(cell) || string(cell[:q.End]) != q.Text || strings.TrimSpace(string(cell[q.End:])) != rest || math.IsNaN(q.InUnit) || math.IsInf(q.InUnit, 0) {
				t.Fatalf("%q: target %+v rest %q", s, q, rest)
			}
		}
		if v, ok := ParseNumber(s); ok && (math.IsNaN(v) || math.IsInf(v, 0)) {
			t.Fatalf("%q: ParseNumber %v", s, v)
		}
	})
}

// BenchmarkFind reads a page made of the test sentences; it prints the
// throughput in MB/s (go test -run - -bench Find ./quantity).
func BenchmarkFind(b *testing.B) {
	var page []byte
	for _, c := range grammarCases {
		page = append(page, c.in+"。"...)
	}
	for _, c := range numeralForms {
		page = append(page, c.in+"。"...)
	}
	for _, d := range distractors {
		page = append(page, d+"。"...)
	}
	s := string(page)
	b.SetBytes(int64(len(s)))
	for b.Loop() {
		Find(s)
	}
}
