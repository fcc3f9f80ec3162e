//go:build duckdb

package query

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"zipin/dataset"
	"zipin/internal/testenv"
	"zipin/query/fixture"
	"zipin/schema"
)

// TestPerDocumentLayoutReadsTheSame: the fixture written one document at a
// time through a Sink (doc-<doc_id>.parquet per table) gives every named
// query the same answer as the fixture written as one batch, whose answers
// TestNamedQueries checks by hand.
func TestPerDocumentLayoutReadsTheSame(t *testing.T) {
	ctx := context.Background()
	batch, perDoc := t.TempDir(), t.TempDir()
	if _, err := fixture.Write(batch); err != nil {
		t.Fatal(err)
	}
	b, err := fixture.WriteDocuments(ctx, perDoc)
	if err != nil {
		t.Fatal(err)
	}
	files, err := dataset.TableFiles(perDoc, schema.TableReports)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != len(b.Reports) || !strings.HasPrefix(filepath.Base(files[0]), "doc-") {
		t.Fatalf("per-document reports files: %v, want %d doc-… files", files, len(b.Reports))
	}
	eb, err := Open(batch)
	if err != nil {
		t.Fatal(err)
	}
	defer eb.Close()
	ed, err := Open(perDoc)
	if err != nil {
		t.Fatal(err)
	}
	defer ed.Close()
	for _, q := range Queries {
		params := map[string]string{}
		for _, p := range q.Params {
			if p.Required {
				params[p.Name] = "民政局" // budget-yoy's org, as in TestNamedQueries
			}
		}
		want := runNamed(t, eb, q.Name, params)
		got := runNamed(t, ed, q.Name, params)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s: per-document layout gives\n%v\nbatch layout gives\n%v", q.Name, got, want)
		}
	}
	r := cells(t, mustRun(t, ed, "SELECT count(*) AS n, count(DISTINCT doc_id) AS docs FROM reports"))
	if r[1][0] != "4" || r[1][1] != "4" {
		t.Errorf("reports: %v rows, want 4 rows of 4 documents", r[1])
	}
}

func mustRun(t *testing.T, e *Engine, q string) *Result {
	t.Helper()
	r, err := e.Run(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestHTTPFSReadsTheBucket runs docs/scale-out.md's DuckDB query against the
// S3 server, where DuckDB's httpfs extension is installed. DuckDB downloads
// extensions from the internet at first use, which this project's machines
// cannot reach, so here it skips with the reason; the docs' queries run
// against the bucket through Polars instead
// (TestPolarsRunsTheDocsQueriesOnTheBucket), and the dataset package's
// tests read the objects back with parquet-go.
func TestHTTPFSReadsTheBucket(t *testing.T) {
	srv := testenv.S3(t)
	ctx := context.Background()
	if _, err := fixture.WriteDocuments(ctx, srv.URL("ds")); err != nil {
		t.Fatal(err)
	}
	e, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	// Never download: only an httpfs already installed (or built in) is
	// used, so the test reaches no address beyond loopback.
	if _, err := e.Run(ctx, "SET autoinstall_known_extensions = false"); err != nil {
		t.Fatal(err)
	}
	have := cells(t, mustRun(t, e, "SELECT count(*) FROM duckdb_extensions() WHERE extension_name = 'httpfs' AND (installed OR loaded)"))
	if have[1][0] != "1" {
		t.Skip("DuckDB's httpfs extension is not installed, and DuckDB would download it from the internet, which these machines cannot reach; the docs' queries run on the bucket through Polars in TestPolarsRunsTheDocsQueriesOnTheBucket")
	}
	if _, err := e.Run(ctx, "LOAD httpfs"); err != nil {
		t.Fatal(err)
	}
	host := strings.TrimPrefix(srv.Endpoint, "http://")
	secret := fmt.Sprintf(`CREATE SECRET zipin_s3 (TYPE s3, KEY_ID '%s', SECRET '%s', REGION '%s', ENDPOINT '%s', URL_STYLE 'path', USE_SSL false)`,
		srv.AccessKey, srv.SecretKey, srv.Region, host)
	if _, err := e.Run(ctx, secret); err != nil {
		t.Fatal(err)
	}
	r := cells(t, mustRun(t, e, fmt.Sprintf(`SELECT count(*), sum(budget_yuan) FROM read_parquet('s3://%s/ds/reports/*.parquet')`, srv.Bucket)))
	// The fixture's budgets: 1250万, 1400万 (某市民政局 2022, 2023), 500万
	// (某县教育局 2023) and none for the undated report.
	if r[1][0] != "4" || r[1][1] != "31500000.00" {
		t.Errorf("reports over httpfs: %v, want 4 rows, 31500000.00 元", r[1])
	}
}
