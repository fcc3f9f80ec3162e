package queue

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
)

// TestStmtCacheConn runs the same texts through one connection: the second
// run reuses the kept statement and binds its own arguments, and a query
// of a text whose rows are still open runs unprepared beside it.
func TestStmtCacheConn(t *testing.T) {
	ctx := context.Background()
	db := sql.OpenDB(stmtCacheConnector{dsn: "file:" + filepath.Join(t.TempDir(), "c.sqlite") + "?_pragma=journal_mode(WAL)&_txlock=immediate"})
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, `CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)`); err != nil {
		t.Fatal(err)
	}
	const ins = `INSERT INTO t (k, v) VALUES (?, ?)`
	for k, v := range map[int]string{1: "一", 2: "二", 3: "三"} {
		if _, err := db.ExecContext(ctx, ins, k, v); err != nil {
			t.Fatal(err)
		}
	}
	const sel = `SELECT v FROM t WHERE k >= ? ORDER BY k`
	get := func(q interface {
		QueryContext(context.Context, string, ...any) (*sql.Rows, error)
	}, k int) *sql.Rows {
		t.Helper()
		rows, err := q.QueryContext(ctx, sel, k)
		if err != nil {
			t.Fatal(err)
		}
		return rows
	}
	all := func(rows *sql.Rows) (vs []string) {
		t.Helper()
		defer rows.Close()
		for rows.Next() {
			var v string
			if err := rows.Scan(&v); err != nil {
				t.Fatal(err)
			}
			vs = append(vs, v)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		return vs
	}
	if got := all(get(db, 2)); len(got) != 2 || got[0] != "二" || got[1] != "三" {
		t.Fatalf("k >= 2: %q, want [二 三]", got)
	}
	if got := all(get(db, 3)); len(got) != 1 || got[0] != "三" {
		t.Fatalf("k >= 3 (kept statement): %q, want [三]", got)
	}

	// In a transaction the same text runs twice at once: the first rows
	// hold the kept statement, the second query runs unprepared.
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	first := get(tx, 1)
	if !first.Next() {
		t.Fatal("k >= 1: no first row")
	}
	if got := all(get(tx, 2)); len(got) != 2 || got[0] != "二" || got[1] != "三" {
		t.Fatalf("k >= 2 beside open rows: %q, want [二 三]", got)
	}
	var v string
	if err := first.Scan(&v); err != nil || v != "一" {
		t.Fatalf("k >= 1 first row: %q, %v, want 一", v, err)
	}
	if got := all(first); len(got) != 2 || got[0] != "二" || got[1] != "三" {
		t.Fatalf("k >= 1 rest: %q, want [二 三]", got)
	}
	if _, err := tx.ExecContext(ctx, ins, 4, "四"); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if got := all(get(db, 4)); len(got) != 1 || got[0] != "四" {
		t.Fatalf("k >= 4 after commit: %q, want [四]", got)
	}

	// One connection, three texts kept: CREATE, INSERT, SELECT.
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := conn.Raw(func(c any) error {
		if n := len(c.(*stmtCacheConn).stmts); n != 3 {
			t.Errorf("%d statements kept, want 3", n)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}
