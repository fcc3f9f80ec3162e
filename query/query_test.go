//go:build duckdb

package query

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"

	"zipin/dataset"
	"zipin/query/fixture"
	"zipin/schema"
)

func openFixture(t *testing.T) *Engine {
	t.Helper()
	dir := t.TempDir()
	if _, err := fixture.Write(dir); err != nil {
		t.Fatal(err)
	}
	e, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}

// strings of a result, as the CSV output gives them, so the numbers are
// checked exactly as a user reads them (DECIMAL with two digits).
func cells(t *testing.T, r *Result) [][]string {
	t.Helper()
	var b bytes.Buffer
	if err := WriteCSV(&b, r); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

func runNamed(t *testing.T, e *Engine, name string, params map[string]string) [][]string {
	t.Helper()
	r, err := e.RunNamed(context.Background(), name, params)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return cells(t, r)
}

// col picks columns by name from CSV records (header first).
func col(t *testing.T, recs [][]string, names ...string) [][]string {
	t.Helper()
	idx := make([]int, len(names))
	for i, n := range names {
		idx[i] = -1
		for j, h := range recs[0] {
			if h == n {
				idx[i] = j
			}
		}
		if idx[i] < 0 {
			t.Fatalf("no column %s in %v", n, recs[0])
		}
	}
	var out [][]string
	for _, r := range recs[1:] {
		row := make([]string, len(idx))
		for i, j := range idx {
			row[i] = r[j]
		}
		out = append(out, row)
	}
	return out
}

func equal(t *testing.T, what string, got, want [][]string) {
	t.Helper()
	g, _ := json.Marshal(got)
	w, _ := json.Marshal(want)
	if string(g) != string(w) {
		t.Errorf("%s:\n got %s\nwant %s", what, g, w)
	}
}

func TestNamedQueries(t *testing.T) {
	e := openFixture(t)
	cases := []struct {
		name   string
		params map[string]string
		cols   []string
		want   [][]string
	}{
		{"execution-rate", nil,
			[]string{"organization", "fiscal_year", "kind", "reports", "budget_yuan", "executed_yuan", "computed_rate", "stated_rate"},
			[][]string{
				{"某县教育局", "2023", "project", "1", "5000000.00", "4800000.00", "96", "98"},
				{"某市民政局", "2022", "department", "1", "12500000.00", "11875000.00", "95", "95"},
				{"某市民政局", "2023", "department", "1", "14000000.00", "13000000.00", "92.86", "92.86"},
			}},
		{"failed-checks", nil,
			[]string{"doc_id", "organization", "fiscal_year", "stated_rate", "computed_rate", "warning"},
			[][]string{{fixture.Education2023, "某县教育局", "2023", "98", "96", fixture.RateWarning}}},
		{"top-spending", nil,
			[]string{"value_yuan", "text", "metric", "organization", "fiscal_year", "page"},
			[][]string{
				{"13000000", "1300万元", "executed", "某市民政局", "2023", "1"},
				{"11875000", "1187.50万元", "executed", "某市民政局", "2022", "1"},
				{"4800000", "480万元", "executed", "某县教育局", "2023", "1"},
			}},
		{"top-spending", map[string]string{"metric": "", "limit": "2"},
			[]string{"value_yuan", "text", "metric", "page"},
			[][]string{
				{"32000000", "约3200万元", "", "2"},
				{"14000000", "1400万元", "budget_total", "1"},
			}},
		{"top-projects", nil,
			[]string{"executed_yuan", "budget_yuan", "project", "organization", "fiscal_year"},
			[][]string{{"4800000.00", "5000000.00", "义务教育营养改善计划", "某县各中小学", "2023"}}},
		{"budget-yoy", map[string]string{"org": "民政局"},
			[]string{"organization", "fiscal_year", "budget_yuan", "prev_year", "change_yuan", "change_pct"},
			[][]string{
				{"某市民政局", "2022", "12500000.00", "", "", ""},
				{"某市民政局", "2023", "14000000.00", "2022", "1500000.00", "12"},
			}},
		{"budget-yoy", map[string]string{"org": "教育局"}, // a project report is not the budget
			[]string{"organization"}, nil},
		{"budget-yoy", map[string]string{"org": "教育局", "kind": ""},
			[]string{"organization", "fiscal_year", "budget_yuan", "change_yuan"},
			[][]string{{"某县教育局", "2023", "5000000.00", ""}}},
		{"rate-mismatch", nil,
			[]string{"doc_id", "stated_rate", "computed_rate", "diff"},
			[][]string{{fixture.Education2023, "98", "96", "2"}}},
		{"rate-mismatch", map[string]string{"tol": "3"}, []string{"doc_id"}, nil},
		{"coverage", nil,
			[]string{"kind", "reports", "organization", "fiscal_year", "budget", "rate", "with_warnings"},
			[][]string{
				{"department", "2", "2", "2", "2", "2", "0"},
				{"other", "1", "0", "0", "0", "0", "0"},
				{"project", "1", "1", "1", "1", "1", "1"},
			}},
		{"facts-by-kind", nil,
			[]string{"kind", "unit", "facts", "documents", "approximate", "with_metric"},
			[][]string{
				{"money", "元", "7", "3", "1", "6"},
				{"score", "分", "4", "4", "0", "3"},
				{"percent", "%", "3", "3", "0", "3"},
				{"count", "人", "2", "1", "0", "0"},
				{"count", "个", "1", "1", "0", "0"},
				{"count", "人次", "1", "1", "1", "0"},
			}},
	}
	seen := map[string]bool{}
	for _, c := range cases {
		seen[c.name] = true
		equal(t, c.name, col(t, runNamed(t, e, c.name, c.params), c.cols...), c.want)
	}
	for _, q := range Queries {
		if !seen[q.Name] {
			t.Errorf("named query %s has no test case", q.Name)
		}
	}
}

func TestParams(t *testing.T) {
	e := openFixture(t)
	ctx := context.Background()
	if _, err := e.RunNamed(ctx, "budget-yoy", nil); err == nil || !strings.Contains(err.Error(), "missing parameter org") {
		t.Errorf("missing org: %v", err)
	}
	if _, err := e.RunNamed(ctx, "coverage", map[string]string{"x": "1"}); err == nil || !strings.Contains(err.Error(), "unknown parameter x") {
		t.Errorf("unknown param: %v", err)
	}
	if _, err := e.RunNamed(ctx, "nope", nil); err == nil || !strings.Contains(err.Error(), `no named query "nope"`) {
		t.Errorf("unknown query: %v", err)
	}
}

// fiscal_year comes out INTEGER, NULL where unknown, through the views and
// through the contract's own query with DuckDB's defaults.
func TestFiscalYear(t *testing.T) {
	e := openFixture(t)
	ctx := context.Background()
	for _, table := range []string{"reports", "facts"} {
		r, err := e.Run(ctx, "SELECT DISTINCT coalesce(CAST(fiscal_year AS VARCHAR), 'NULL'), typeof(fiscal_year) FROM "+table+" ORDER BY 1")
		if err != nil {
			t.Fatal(err)
		}
		equal(t, table+" years", cells(t, r)[1:], [][]string{{"2022", "INTEGER"}, {"2023", "INTEGER"}, {"NULL", "INTEGER"}})
	}
	r, err := e.Run(ctx, "SELECT doc_id FROM reports WHERE fiscal_year IS NULL")
	if err != nil {
		t.Fatal(err)
	}
	equal(t, "NULL year", cells(t, r)[1:], [][]string{{fixture.Undated}})
	// CONTRACT.md's query, as a user types it: DuckDB guesses Hive
	// partitioning from folder names by default, and must find none.
	glob := filepath.ToSlash(filepath.Join(e.dir, "reports")) + "/**/*.parquet"
	r, err = e.Run(ctx, "SELECT DISTINCT coalesce(CAST(fiscal_year AS VARCHAR), 'NULL'), typeof(fiscal_year) FROM read_parquet("+sqlString(glob)+", union_by_name=true) ORDER BY 1")
	if err != nil {
		t.Fatal(err)
	}
	equal(t, "contract query years", cells(t, r)[1:], [][]string{{"2022", "INTEGER"}, {"2023", "INTEGER"}, {"NULL", "INTEGER"}})
	// Money keeps its DECIMAL(18,2) type through the view.
	r, err = e.Run(ctx, "SELECT typeof(budget_yuan) FROM reports LIMIT 1")
	if err != nil {
		t.Fatal(err)
	}
	if got := text(r.Rows[0][0], ""); got != "DECIMAL(18,2)" {
		t.Errorf("budget_yuan type %s", got)
	}
}

// A table folder without files yet gives an empty view with the contract's
// columns, rather than an error.
func TestEmptyTables(t *testing.T) {
	dir := t.TempDir()
	ds, err := dataset.Open(dir, "t")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ds.Commit(&schema.Batch{Reports: []schema.Report{{DocID: "x", Kind: "other", Warnings: []string{}}}}); err != nil {
		t.Fatal(err)
	}
	e, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	ctx := context.Background()
	r, err := e.Run(ctx, "SELECT (SELECT count(*) FROM reports), (SELECT count(*) FROM projects), (SELECT count(*) FROM facts), (SELECT count(*) FROM texts), (SELECT count(*) FROM indicators)")
	if err != nil {
		t.Fatal(err)
	}
	equal(t, "counts", cells(t, r)[1:], [][]string{{"1", "0", "0", "0", "0"}})
	r, err = e.Run(ctx, "SELECT column_name, column_type FROM (DESCRIBE projects) WHERE column_name IN ('budget_yuan', 'execution_rate', 'doc_id') ORDER BY 1")
	if err != nil {
		t.Fatal(err)
	}
	equal(t, "projects columns", cells(t, r)[1:], [][]string{{"budget_yuan", "DECIMAL(18,2)"}, {"doc_id", "VARCHAR"}, {"execution_rate", "DOUBLE"}})
	// Every named query runs on a dataset with empty tables.
	for _, q := range Queries {
		params := map[string]string{}
		for _, p := range q.Params {
			if p.Required {
				params[p.Name] = "x"
			}
		}
		if _, err := e.RunNamed(ctx, q.Name, params); err != nil {
			t.Errorf("%s on empty tables: %v", q.Name, err)
		}
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	if e.tmp != "" {
		if _, err := os.Stat(e.tmp); !os.IsNotExist(err) {
			t.Errorf("temporary folder %s left behind", e.tmp)
		}
	}
	if _, err := Open(filepath.Join(dir, "missing")); err == nil {
		t.Error("Open of a missing folder succeeded")
	}
}

// A dataset an older zipin wrote partitioned (reports/fiscal_year=2021/,
// the files carrying the column too) reads fiscal_year from the files, as
// INTEGER. The folder name here disagrees with the file, to show which wins.
func TestOldPartitionFoldersReadFromFiles(t *testing.T) {
	dir := t.TempDir()
	if _, err := dataset.Open(dir, "t"); err != nil {
		t.Fatal(err)
	}
	part := filepath.Join(dir, "reports", "fiscal_year=2021")
	if err := os.MkdirAll(part, 0o755); err != nil {
		t.Fatal(err)
	}
	rows := []schema.Report{{DocID: "x", FiscalYear: schema.Ptr(int32(2020)), Warnings: []string{}}}
	if err := parquet.WriteFile(filepath.Join(part, "part-x.parquet"), rows); err != nil {
		t.Fatal(err)
	}
	e, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	r, err := e.Run(context.Background(), "SELECT fiscal_year, typeof(fiscal_year) FROM reports")
	if err != nil {
		t.Fatal(err)
	}
	equal(t, "fiscal_year", cells(t, r)[1:], [][]string{{"2020", "INTEGER"}})
}
