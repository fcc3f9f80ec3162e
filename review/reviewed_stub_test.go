//go:build !duckdb

package review

import "testing"

// checkReviewed needs DuckDB: go test -tags duckdb ./review/ reads the
// correction back through reports_reviewed.
func checkReviewed(t *testing.T, dir, docID, want string) {
	t.Log("built without DuckDB: reports_reviewed not read (go test -tags duckdb)")
}
