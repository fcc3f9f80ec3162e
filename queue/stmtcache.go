package queue

import (
	"context"
	"database/sql/driver"
	"errors"
	"reflect"

	"modernc.org/sqlite"
)

// River's SQLite driver runs every query as text (database/sql's
// QueryContext), and the SQLite driver prepares each one anew: compiling
// the SQL was most of what the queue cost the import of one machine
// (River's completer, its notification poll every 50 ms, its fetches —
// about a tenth of the parent process's CPU on 100 reports, cmd/zipin
// ingest with ZIPIN_CPUPROFILE). River's queries are a few fixed texts, so
// the connection keeps each one prepared.

// maxCachedStmts bounds the statements a connection keeps: River issues a
// few dozen distinct texts; a text beyond the bound runs unprepared.
const maxCachedStmts = 128

// stmtCacheConnector opens SQLite connections that keep their statements
// prepared (stmtCacheConn).
type stmtCacheConnector struct{ dsn string }

func (c stmtCacheConnector) Connect(context.Context) (driver.Conn, error) {
	conn, err := (&sqlite.Driver{}).Open(c.dsn)
	if err != nil {
		return nil, err
	}
	return &stmtCacheConn{Conn: conn, stmts: map[string]*cachedStmt{}}, nil
}

func (c stmtCacheConnector) Driver() driver.Driver { return &sqlite.Driver{} }

// stmtCacheConn is a SQLite connection that runs each query text through a
// statement prepared once. database/sql uses a connection from one
// goroutine at a time (and closes its rows under the same lock), so the
// cache needs no lock of its own. A statement whose rows are still open
// (a second query of the same text in a transaction, before the first's
// rows are closed) is busy: the query runs unprepared, as without the
// cache.
type stmtCacheConn struct {
	driver.Conn
	stmts map[string]*cachedStmt
}

type cachedStmt struct {
	s    driver.Stmt
	busy bool
}

// stmt is the prepared statement of query, nil when it is busy or the cache
// is full.
func (c *stmtCacheConn) stmt(ctx context.Context, query string) (*cachedStmt, error) {
	cs := c.stmts[query]
	if cs == nil {
		if len(c.stmts) >= maxCachedStmts {
			return nil, nil
		}
		s, err := c.Conn.(driver.ConnPrepareContext).PrepareContext(ctx, query)
		if err != nil {
			return nil, err
		}
		cs = &cachedStmt{s: s}
		c.stmts[query] = cs
	}
	if cs.busy {
		return nil, nil
	}
	return cs, nil
}

func (c *stmtCacheConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	cs, err := c.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	if cs == nil {
		return c.Conn.(driver.QueryerContext).QueryContext(ctx, query, args)
	}
	r, err := cs.s.(driver.StmtQueryContext).QueryContext(ctx, args)
	if err != nil {
		return nil, err
	}
	cs.busy = true
	return &cachedRows{Rows: r, cs: cs}, nil
}

func (c *stmtCacheConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	cs, err := c.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	if cs == nil {
		return c.Conn.(driver.ExecerContext).ExecContext(ctx, query, args)
	}
	return cs.s.(driver.StmtExecContext).ExecContext(ctx, args)
}

// The SQLite connection's other optional interfaces, which embedding
// driver.Conn would hide from database/sql.

func (c *stmtCacheConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	return c.Conn.(driver.ConnPrepareContext).PrepareContext(ctx, query)
}

func (c *stmtCacheConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	return c.Conn.(driver.ConnBeginTx).BeginTx(ctx, opts)
}

func (c *stmtCacheConn) Ping(ctx context.Context) error {
	if p, ok := c.Conn.(driver.Pinger); ok {
		return p.Ping(ctx)
	}
	return nil
}

func (c *stmtCacheConn) ResetSession(ctx context.Context) error {
	if r, ok := c.Conn.(driver.SessionResetter); ok {
		return r.ResetSession(ctx)
	}
	return nil
}

func (c *stmtCacheConn) IsValid() bool {
	if v, ok := c.Conn.(driver.Validator); ok {
		return v.IsValid()
	}
	return true
}

// Close finalizes the kept statements, then closes the connection.
func (c *stmtCacheConn) Close() error {
	var errs []error
	for q, cs := range c.stmts {
		errs = append(errs, cs.s.Close())
		delete(c.stmts, q)
	}
	return errors.Join(append(errs, c.Conn.Close())...)
}

// cachedRows are the rows of a kept statement, which is free again once
// they are closed.
type cachedRows struct {
	driver.Rows
	cs *cachedStmt
}

func (r *cachedRows) Close() error {
	err := r.Rows.Close()
	r.cs.busy = false
	return err
}

// ColumnTypeDatabaseTypeName keeps the SQLite rows' column types visible
// (database/sql's ColumnTypes).
func (r *cachedRows) ColumnTypeDatabaseTypeName(i int) string {
	if t, ok := r.Rows.(driver.RowsColumnTypeDatabaseTypeName); ok {
		return t.ColumnTypeDatabaseTypeName(i)
	}
	return ""
}

func (r *cachedRows) ColumnTypeScanType(i int) reflect.Type {
	if t, ok := r.Rows.(driver.RowsColumnTypeScanType); ok {
		return t.ColumnTypeScanType(i)
	}
	return reflect.TypeFor[any]()
}
