//go:build !duckdb

package query

import (
	"context"
	"fmt"
)

// Available says whether this build has the DuckDB engine.
const Available = false

// Engine is a stand-in: this build has no DuckDB.
type Engine struct{}

// Open reports that the build has no DuckDB.
func Open(dir string) (*Engine, error) { return nil, fmt.Errorf("query: %w", ErrNoDuckDB) }

// Close does nothing.
func (e *Engine) Close() error { return nil }

// Run reports that the build has no DuckDB.
func (e *Engine) Run(ctx context.Context, query string, args ...any) (*Result, error) {
	return nil, fmt.Errorf("query: %w", ErrNoDuckDB)
}

// RunNamed reports that the build has no DuckDB.
func (e *Engine) RunNamed(ctx context.Context, name string, params map[string]string) (*Result, error) {
	return nil, fmt.Errorf("query: %w", ErrNoDuckDB)
}
