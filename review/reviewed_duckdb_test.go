//go:build duckdb

package review

import (
	"context"
	"testing"

	"zipin/query"
)

// checkReviewed reads the document's budget through reports_reviewed in
// DuckDB.
func checkReviewed(t *testing.T, dir, docID, want string) {
	t.Helper()
	e, err := query.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	r, err := e.Run(context.Background(), `SELECT CAST(budget_yuan AS VARCHAR) FROM reports_reviewed WHERE doc_id = ?`, docID)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Rows) != 1 || r.Rows[0][0] != want {
		t.Errorf("reports_reviewed budget_yuan: %v, want %s", r.Rows, want)
	}
}
