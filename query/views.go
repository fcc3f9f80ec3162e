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
	"fmt"
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
	{schema.TableCorrections, emptyFile[schema.Correction]},
}

// reviewedColumns are the reports columns a correction can set, with
// their SQL types (corrections store values as text).
var reviewedColumns = []struct{ name, typ string }{
	{"title", "VARCHAR"}, {"organization", "VARCHAR"}, {"fiscal_year", "INTEGER"}, {"kind", "VARCHAR"},
	{"budget_yuan", "DECIMAL(18,2)"}, {"executed_yuan", "DECIMAL(18,2)"},
	{"execution_rate", "DOUBLE"}, {"self_score", "DOUBLE"}, {"grade", "VARCHAR"},
}

// reviewedViews are the views over the views: the latest correction of each
// (doc_id, target) with how the extraction now stands to it, and reports
// and facts with those corrections applied.
func reviewedViews() []string {
	latest := `CREATE VIEW corrections_latest AS
SELECT c.*, count(*) OVER (PARTITION BY doc_id, target) AS reviews
FROM corrections c
QUALIFY row_number() OVER (PARTITION BY doc_id, target ORDER BY corrected_at DESC) = 1`
	var repl, joins, agree []string
	for i, c := range reviewedColumns {
		a := fmt.Sprintf("c%d", i)
		repl = append(repl, fmt.Sprintf("CASE WHEN %s.doc_id IS NULL THEN r.%s ELSE TRY_CAST(%s.new_value AS %s) END AS %s", a, c.name, a, c.typ, c.name))
		joins = append(joins, fmt.Sprintf("LEFT JOIN corrections_latest %s ON %s.doc_id = r.doc_id AND %s.target = '%s'", a, a, a, c.name))
		agree = append(agree, fmt.Sprintf("WHEN '%s' THEN TRY_CAST(l.new_value AS %s) IS NOT DISTINCT FROM r.%s", c.name, c.typ, c.name))
	}
	reviewed := fmt.Sprintf(`CREATE VIEW reports_reviewed AS
SELECT r.* REPLACE (%s),
  (SELECT list(l.target ORDER BY l.target) FROM corrections_latest l WHERE l.doc_id = r.doc_id) AS reviewed
FROM reports r
%s`, strings.Join(repl, ",\n  "), strings.Join(joins, "\n"))
	status := fmt.Sprintf(`CREATE VIEW corrections_status AS
SELECT l.*, r.extractor_version AS current_extractor,
  CASE l.target %s
    ELSE TRY_CAST(l.new_value AS DOUBLE) IS NOT DISTINCT FROM (SELECT f.value FROM facts f WHERE f.doc_id = l.doc_id AND 'fact:' || f.seq = l.target)
  END AS agrees
FROM corrections_latest l LEFT JOIN reports r ON r.doc_id = l.doc_id`, strings.Join(agree, "\n    "))
	facts := `CREATE VIEW facts_reviewed AS
SELECT f.* REPLACE (CASE WHEN l.doc_id IS NULL THEN f.value ELSE TRY_CAST(l.new_value AS DOUBLE) END AS value),
  l.doc_id IS NOT NULL AS reviewed
FROM facts f LEFT JOIN corrections_latest l ON l.doc_id = f.doc_id AND l.target = 'fact:' || f.seq`
	return []string{latest, reviewed, status, facts}
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
