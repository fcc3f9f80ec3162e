package query

import (
	"bytes"
	"encoding/json"
	"math/big"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/rivo/uniseg"
)

func sample() *Result {
	dec := func(v int64) Decimal { return Decimal{Unscaled: big.NewInt(v), Scale: 2} }
	return &Result{
		Columns: []string{"organization", "budget_yuan", "warnings"},
		Rows: [][]any{
			{"某市民政局", dec(1250000050), []any{"率不一致", "x"}},
			{"ab", dec(-5), nil},
			{"line\nbreak", nil, []any{}},
		},
	}
}

func TestWriteTableAlignsCJK(t *testing.T) {
	var b bytes.Buffer
	if err := WriteTable(&b, sample()); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(b.String(), "\n"), "\n")
	if len(lines) != 6 || lines[5] != "(3 rows)" {
		t.Fatalf("table:\n%s", b.String())
	}
	// The third column starts at the same terminal column on every line:
	// CJK counts two columns, and numbers align right.
	sep := regexp.MustCompile(`\s{2,}`)
	start := -1
	for i, l := range lines[:5] {
		f := sep.Split(l, -1)
		w := uniseg.StringWidth(l[:strings.LastIndex(l, f[len(f)-1])])
		if len(f) != 3 || (start >= 0 && w != start) {
			t.Errorf("line %d: third column at %d, want %d:\n%s", i, w, start, b.String())
		}
		start = w
	}
	if !strings.Contains(b.String(), "ab                  -0.05") {
		t.Errorf("numbers not right-aligned:\n%s", b.String())
	}
	for _, want := range []string{"12500000.50", "-0.05", "NULL", "line⏎break", `["率不一致","x"]`} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, b.String())
		}
	}
}

func TestWriteJSONKeepsDecimals(t *testing.T) {
	var b bytes.Buffer
	if err := WriteJSON(&b, sample()); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), `"budget_yuan":12500000.50`) {
		t.Errorf("decimal not exact: %s", b.String())
	}
	var rows []map[string]any
	if err := json.Unmarshal(b.Bytes(), &rows); err != nil {
		t.Fatalf("invalid JSON: %v\n%s", err, b.String())
	}
	if len(rows) != 3 || rows[1]["budget_yuan"] != -0.05 || rows[2]["budget_yuan"] != nil || rows[0]["warnings"].([]any)[0] != "率不一致" {
		t.Errorf("rows = %v", rows)
	}
}

func TestWriteCSV(t *testing.T) {
	var b bytes.Buffer
	r := sample()
	r.Rows = append(r.Rows, []any{time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), 1.5, int32(7)})
	if err := WriteCSV(&b, r); err != nil {
		t.Fatal(err)
	}
	want := "organization,budget_yuan,warnings\n某市民政局,12500000.50,\"[\"\"率不一致\"\",\"\"x\"\"]\"\nab,-0.05,\n\"line\nbreak\",,[]\n2026-01-02 03:04:05,1.5,7\n"
	if b.String() != want {
		t.Errorf("csv:\n%s\nwant:\n%s", b.String(), want)
	}
}

func TestTruncate(t *testing.T) {
	if got := truncate("一二三四五", 6); got != "一二…" {
		t.Errorf("truncate = %q", got)
	}
	if got := truncate("abc", 3); got != "abc" {
		t.Errorf("truncate = %q", got)
	}
}
