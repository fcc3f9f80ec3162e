package query

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"zipin/internal/testenv"
	"zipin/query/fixture"
)

// docsQueriesSection is the heading of docs/scale-out.md whose first sql
// block holds the analysts' queries over the bucket.
const docsQueriesSection = "### Reading the dataset from object storage"

// docsBucketPrefix is where those queries read; the test points them at
// its own bucket instead.
const docsBucketPrefix = "s3://zipin/dataset/"

// TestPolarsRunsTheDocsQueriesOnTheBucket runs the analysts' queries of
// docs/scale-out.md, read from the doc itself, through Polars' SQL against
// the S3 server, with nothing between: Polars lists and reads the objects
// the Sink wrote (doc-<doc_id>.parquet per table) with the AWS environment
// variables a worker uses. Only the bucket and prefix are the test's own.
// The docs' DuckDB form needs DuckDB's httpfs extension, which DuckDB
// downloads at first use from its own site, out of these machines' reach
// (TestHTTPFSReadsTheBucket runs it where httpfs is installed); the same
// SQL runs unchanged in Polars, which scripts/test.sh installs
// (scripts/lib/polars.sh).
func TestPolarsRunsTheDocsQueriesOnTheBucket(t *testing.T) {
	modules := polarsModules(t)
	srv := testenv.S3(t)
	ctx := context.Background()
	if _, err := fixture.WriteDocuments(ctx, srv.URL("ds")); err != nil {
		t.Fatal(err)
	}
	statements := docsQueries(t)
	for i, s := range statements {
		statements[i] = strings.ReplaceAll(s, docsBucketPrefix, srv.URL("ds")+"/")
	}
	got := runPolars(t, modules, statements)

	// The fixture's reports (query/fixture): 某市民政局 2022 (预算 1250万,
	// 执行 1187.5万, 95.0%) and 2023 (1400万, 1300万, 92.86%), 某县教育局
	// 2023 (500万, 480万, 98.0%), and an undated report with none of them,
	// last (ORDER BY puts NULL last, as DuckDB does). 县 (U+53BF) sorts
	// before 市 (U+5E02).
	want := []polarsResult{{
		Columns: []string{"organization", "fiscal_year", "budget_yuan", "executed_yuan", "execution_rate"},
		Rows: [][]*string{
			row("某县教育局", "2023", "5000000.00", "4800000.00", "98.0"),
			row("某市民政局", "2022", "12500000.00", "11875000.00", "95.0"),
			row("某市民政局", "2023", "14000000.00", "13000000.00", "92.86"),
			{nil, nil, nil, nil, nil},
		},
	}, {
		// The facts with metric executed, largest first: 1300万元,
		// 1187.50万元 (民政局 2023, 2022) and 480万元 (教育局), in 元.
		Columns: []string{"organization", "text", "yuan"},
		Rows: [][]*string{
			row("某市民政局", "1300万元", "13000000.0"),
			row("某市民政局", "1187.50万元", "11875000.0"),
			row("某县教育局", "480万元", "4800000.0"),
		},
	}}
	if len(got) != len(want) {
		t.Fatalf("%d results, want %d", len(got), len(want))
	}
	for i := range want {
		if fmt.Sprint(got[i].Columns) != fmt.Sprint(want[i].Columns) {
			t.Errorf("query %d: columns %v, want %v", i+1, got[i].Columns, want[i].Columns)
		}
		if show(got[i].Rows) != show(want[i].Rows) {
			t.Errorf("query %d (%s):\ngot  %s\nwant %s", i+1, statements[i], show(got[i].Rows), show(want[i].Rows))
		}
	}
	// Money stays exact: the Sink writes DECIMAL(18,2), and Polars reads
	// it as such, not as a float.
	if ty := got[0].Types[2]; !strings.Contains(ty, "Decimal(18,2)") {
		t.Errorf("budget_yuan read as %s, want Decimal(18,2)", ty)
	}
}

// docsQueries returns the statements of the first sql block under
// docsQueriesSection in docs/scale-out.md, without their semicolons.
func docsQueries(t *testing.T) []string {
	t.Helper()
	path := filepath.Join(testenv.Root(t), "docs", "scale-out.md")
	doc, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(doc), "\n"+docsQueriesSection+"\n")
	if !ok {
		t.Fatalf("%s: no section %q", path, docsQueriesSection)
	}
	_, block, ok := strings.Cut(section, "```sql\n")
	if ok {
		block, _, ok = strings.Cut(block, "\n```")
	}
	if !ok {
		t.Fatalf("%s: no sql block under %q", path, docsQueriesSection)
	}
	var out []string
	for _, s := range strings.Split(block, ";") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	if len(out) != 2 || !strings.Contains(block, docsBucketPrefix) {
		t.Fatalf("%s, %q: want the two queries over %s, found %d statements:\n%s", path, docsQueriesSection, docsBucketPrefix, len(out), block)
	}
	return out
}

// polarsModules returns the node_modules folder holding nodejs-polars
// (ZIPIN_POLARS_MODULES, set by scripts/test.sh). Without it, or without
// node, the test is skipped, or fails when CI is set, as the S3 tests do.
func polarsModules(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("ZIPIN_POLARS_MODULES")
	_, nodeErr := exec.LookPath("node")
	var why string
	switch {
	case dir == "":
		why = "ZIPIN_POLARS_MODULES is unset (scripts/test.sh installs nodejs-polars: scripts/lib/polars.sh)"
	case nodeErr != nil:
		why = "node is not installed"
	default:
		if _, err := os.Stat(filepath.Join(dir, "nodejs-polars")); err != nil {
			why = fmt.Sprintf("ZIPIN_POLARS_MODULES: %v", err)
		}
	}
	if why != "" {
		testenv.Missing(t, "no Polars: %s", why)
	}
	return dir
}

// polarsResult is one statement's result from testdata/polars-sql.cjs.
type polarsResult struct {
	Columns []string
	Types   []string
	Rows    [][]*string
}

// runPolars runs statements through testdata/polars-sql.cjs with
// nodejs-polars from modules, in the test's environment (testenv.S3's AWS
// variables).
func runPolars(t *testing.T, modules string, statements []string) []polarsResult {
	t.Helper()
	in, err := json.Marshal(statements)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", filepath.Join("testdata", "polars-sql.cjs"))
	cmd.Env = append(awsSetOnly(os.Environ()), "NODE_PATH="+modules)
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("polars: %v: %s", err, stderr.String())
	}
	var res []polarsResult
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("polars output: %v: %s", err, out)
	}
	return res
}

// awsSetOnly drops AWS_* variables set to "": testenv.S3 empties
// AWS_ENDPOINT_URL_S3, and Polars' S3 client (object_store) takes an empty
// endpoint for one and panics rather than fall back to AWS_ENDPOINT_URL.
func awsSetOnly(env []string) []string {
	var out []string
	for _, kv := range env {
		if k, v, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "AWS_") && v == "" {
			continue
		}
		out = append(out, kv)
	}
	return out
}

func row(cells ...string) []*string {
	out := make([]*string, len(cells))
	for i := range cells {
		out[i] = &cells[i]
	}
	return out
}

// show prints rows with NULL for nil.
func show(rows [][]*string) string {
	var b strings.Builder
	for _, r := range rows {
		b.WriteString("[")
		for i, c := range r {
			if i > 0 {
				b.WriteString(" | ")
			}
			if c == nil {
				b.WriteString("NULL")
			} else {
				b.WriteString(*c)
			}
		}
		b.WriteString("] ")
	}
	return b.String()
}
