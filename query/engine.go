//go:build duckdb

package query

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"zipin/dataset"

	"github.com/duckdb/duckdb-go/v2" // also registers the "duckdb" database/sql driver
)

// Available says whether this build has the DuckDB engine.
const Available = true

// Engine is an in-memory DuckDB with the dataset's views.
type Engine struct {
	db  *sql.DB
	dir string
	tmp string // holds the empty typed files; removed by Close
}

// Open creates the views over dir. It fails if dir is not a folder, so that a
// mistyped --out does not silently answer every query with no rows.
func Open(dir string) (*Engine, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("query: dataset %s: %w", dir, err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("query: dataset %s: not a directory", dir)
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return nil, fmt.Errorf("query: opening DuckDB: %w", err)
	}
	// One connection: statements run one at a time, and DuckDB already
	// spreads each one over the cores.
	db.SetMaxOpenConns(1)
	e := &Engine{db: db, dir: dir}
	for _, v := range views {
		if err := e.createView(v); err != nil {
			e.Close()
			return nil, err
		}
	}
	for _, stmt := range reviewedViews() {
		if _, err := e.db.Exec(stmt); err != nil {
			e.Close()
			return nil, fmt.Errorf("query: creating the corrections views: %w", err)
		}
	}
	return e, nil
}

// createView defines one table's view.
//
// The writer no longer partitions (dataset/dataset.go), and fiscal_year is a
// column inside every file. hive_partitioning=false keeps it so for datasets
// written partitioned by an older zipin (fiscal_year=2021/ folders, whose
// files carry the column too), where DuckDB would otherwise take the value
// from the folder name and type it BIGINT.
func (e *Engine) createView(v view) error {
	files, err := dataset.TableFiles(e.dir, v.table)
	if err != nil {
		return fmt.Errorf("query: listing %s: %w", filepath.Join(e.dir, v.table), err)
	}
	var src string
	if len(files) == 0 {
		// read_parquet fails on a glob that matches nothing, so an empty
		// table reads a zero-row file with the right columns instead.
		if e.tmp == "" {
			if e.tmp, err = os.MkdirTemp("", "zipin-query-"); err != nil {
				return fmt.Errorf("query: %w", err)
			}
		}
		path := filepath.Join(e.tmp, v.table+".parquet")
		if err := v.empty(path); err != nil {
			return fmt.Errorf("query: empty %s view: %w", v.table, err)
		}
		src = fmt.Sprintf("read_parquet(%s, hive_partitioning=false)", sqlString(path))
	} else {
		glob := filepath.ToSlash(filepath.Join(e.dir, v.table)) + "/**/*.parquet"
		src = fmt.Sprintf("read_parquet(%s, union_by_name=true, hive_partitioning=false)", sqlString(glob))
	}
	stmt := fmt.Sprintf("CREATE VIEW %s AS SELECT * FROM %s", v.table, src)
	if _, err := e.db.Exec(stmt); err != nil {
		return fmt.Errorf("query: creating view %s: %w", v.table, err)
	}
	return nil
}

// Close releases the database and the temporary files.
func (e *Engine) Close() error {
	err := e.db.Close()
	if e.tmp != "" {
		err = errors.Join(err, os.RemoveAll(e.tmp))
	}
	return err
}

// Run executes one SQL statement with optional arguments (sql.Named for
// $name parameters).
func (e *Engine) Run(ctx context.Context, query string, args ...any) (*Result, error) {
	rows, err := e.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("query: %w", err)
	}
	defer rows.Close()
	cols, err := rows.ColumnTypes()
	if err != nil {
		return nil, fmt.Errorf("query: %w", err)
	}
	res := &Result{}
	for _, c := range cols {
		res.Columns = append(res.Columns, c.Name())
		res.Types = append(res.Types, c.DatabaseTypeName())
	}
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, fmt.Errorf("query: reading row %d: %w", len(res.Rows)+1, err)
		}
		for i, v := range vals {
			vals[i] = neutral(v)
		}
		res.Rows = append(res.Rows, vals)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("query: %w", err)
	}
	return res, nil
}

// RunNamed executes a named query with its parameters (see Named.Args).
func (e *Engine) RunNamed(ctx context.Context, name string, params map[string]string) (*Result, error) {
	q, ok := Lookup(name)
	if !ok {
		return nil, fmt.Errorf("query: no named query %q (zipin query --list shows them)", name)
	}
	args, err := q.Args(params)
	if err != nil {
		return nil, err
	}
	return e.Run(ctx, q.SQL, args...)
}

// neutral maps the driver's own types to the package's, so that formatting
// does not depend on the driver (and builds without it).
func neutral(v any) any {
	switch x := v.(type) {
	case duckdb.Decimal:
		return Decimal{Unscaled: x.Value, Scale: int(x.Scale)}
	case []any:
		for i, e := range x {
			x[i] = neutral(e)
		}
		return x
	case map[string]any:
		for k, e := range x {
			x[k] = neutral(e)
		}
		return x
	}
	return v
}
