// Package query runs SQL over a zipin dataset through an embedded, in-memory
// DuckDB. It predefines one view per table (reports, facts, texts, projects,
// indicators), ships a table of named queries and formats results as an
// aligned table, CSV or JSON.
//
// DuckDB needs cgo and adds about 70 MB to the binary, so the engine is
// built only with the build tag duckdb (go build -tags duckdb). Without it,
// Open returns ErrNoDuckDB; the named queries and the formatting still work.
package query

import (
	"errors"
	"math/big"
	"strings"

	"github.com/parquet-go/parquet-go"

	"zipin/schema"
)

// ErrNoDuckDB is returned by Open in a build without the duckdb tag.
var ErrNoDuckDB = errors.New("this zipin was built without DuckDB; rebuild it with: go build -tags duckdb ./cmd/zipin")

// view says how one table's folder becomes a view.
type view struct {
	table string
	// empty writes a zero-row Parquet file with the table's schema, so a table
	// with no files yet still has a typed view.
	empty func(path string) error
}

func emptyFile[T any](path string) error { return parquet.WriteFile(path, []T{}) }

// views lists the dataset's tables, with the record type that fixes their
// columns when a folder has no file yet.
var views = []view{
	{schema.TableReports, emptyFile[schema.Report]},
	{schema.TableFacts, emptyFile[schema.Fact]},
	{schema.TableTexts, emptyFile[schema.Text]},
	{schema.TableProjects, emptyFile[schema.Project]},
	{schema.TableIndicators, emptyFile[schema.Indicator]},
}

// Result is a query's columns and rows, as the driver returned them.
type Result struct {
	Columns []string
	Types   []string // DuckDB type names, such as DECIMAL(18,2)
	Rows    [][]any
}

// Decimal is an exact DECIMAL value: Unscaled × 10^-Scale. Money columns
// are DECIMAL(18,2), so 1234.50 元 is {123450, 2}.
type Decimal struct {
	Unscaled *big.Int
	Scale    int
}

// sqlString quotes s as an SQL string literal.
func sqlString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
