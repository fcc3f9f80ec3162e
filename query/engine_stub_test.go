//go:build !duckdb

package query

import (
	"errors"
	"testing"
)

// Without the duckdb tag, Open says how to get a build that has it.
func TestOpenWithoutDuckDB(t *testing.T) {
	if _, err := Open(t.TempDir()); !errors.Is(err, ErrNoDuckDB) {
		t.Errorf("Open = %v, want ErrNoDuckDB", err)
	}
	if Available {
		t.Error("Available in a build without DuckDB")
	}
}
