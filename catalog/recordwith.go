package catalog

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"modernc.org/sqlite"
)

// docQ upserts a document's row by doc_id: the last writer's outcome wins
// whole (Record). docArgs gives its arguments.
const docQ = `INSERT INTO documents (doc_id, source, size, format, status, reason, extractor_version,
		read_ms, extract_ms, analyze_ms, pages, facts, batch, files, run_id, first_seen, updated_at)
		VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
		ON CONFLICT(doc_id) DO UPDATE SET source=excluded.source, size=excluded.size, format=excluded.format,
		status=excluded.status, reason=excluded.reason, extractor_version=excluded.extractor_version,
		read_ms=excluded.read_ms, extract_ms=excluded.extract_ms, analyze_ms=excluded.analyze_ms,
		pages=excluded.pages, facts=excluded.facts, batch=excluded.batch, files=excluded.files,
		run_id=excluded.run_id, updated_at=excluded.updated_at`

func docArgs(runID int64, d Doc, ts string) []any {
	return []any{d.DocID, d.Source, d.Size, d.Format, string(d.Status), d.Reason, d.ExtractorVersion,
		d.Read.Milliseconds(), d.Extract.Milliseconds(), d.Analyze.Milliseconds(), d.Pages, d.Facts,
		d.Batch, strings.Join(d.Files, "\n"), runID, ts, ts}
}

// guardedDocQ is docQ that leaves a row alone when the row's extractor
// version is newer than the one being recorded (RecordWith).
func (d *dialect) guardedDocQ() string {
	return docQ + ` WHERE ` + d.versionKey("documents.extractor_version") + ` <= ` + d.versionKey("excluded.extractor_version")
}

// Also is work a caller adds to RecordWith's transaction, in the form the
// database's driver takes a transaction — River's JobCompleteTx, whose
// PostgreSQL driver (riverpgxv5) takes a pgx.Tx and whose SQLite driver
// (riversqlite) a *sql.Tx. The one for the catalog's database is called
// after the catalog's statements, before the commit; an error rolls all
// back. A nil func adds nothing.
type Also struct {
	Postgres func(tx pgx.Tx) error
	SQLite   func(tx *sql.Tx) error
}

// RecordWith records the outcomes of docs as Record does, except that a row
// recorded by a newer extractor version stays as it is (NewerVersion): in a
// mixed fleet during a rolling upgrade, a worker of the older version never
// takes a document's row back. In the same transaction it runs also (the
// queue completes the document's job there), so the row and what also did
// commit together or not at all.
//
// The transaction is the catalog's own, on one of its connections, rather
// than one the caller opens and lends: the catalog's PostgreSQL connections
// commit without waiting for the WAL flush (openPostgres), which a record
// per document needs, and on SQLite its statements stay prepared. On
// PostgreSQL the catalog's statements go in one round trip (a pgx batch).
// A transaction aborted by a conflict with another is run again whole.
func (c *Catalog) RecordWith(ctx context.Context, runID int64, docs []Doc, also Also) error {
	docs = slices.SortedFunc(slices.Values(docs), func(a, b Doc) int { return strings.Compare(a.DocID, b.DocID) })
	q := c.d.guardedDocQ()
	if c.d != postgresDialect {
		return c.inTx(ctx, func(tx conn) error {
			ts := now()
			for _, d := range docs {
				if _, err := tx.execHot(q, docArgs(runID, d, ts)...); err != nil {
					return fmt.Errorf("catalog %s: recording %s: %w", c.Path, d.Source, err)
				}
				if _, err := tx.execHot(endQ, d.DocID); err != nil {
					return fmt.Errorf("catalog %s: %w", c.Path, err)
				}
			}
			if also.SQLite != nil {
				return also.SQLite(tx.q.(*sql.Tx))
			}
			return nil
		})
	}
	q, end := c.d.rebind(q), c.d.rebind(endQ)
	return c.retry(ctx, func() error {
		cn, err := c.db.Conn(ctx)
		if err != nil {
			return fmt.Errorf("catalog %s: %w", c.Path, err)
		}
		defer cn.Close()
		// The pgx connection under database/sql's, for a pgx.Tx; it is used
		// only inside Raw, as database/sql requires.
		return cn.Raw(func(dc any) error {
			tx, err := dc.(*stdlib.Conn).Conn().Begin(ctx)
			if err != nil {
				return fmt.Errorf("catalog %s: %w", c.Path, err)
			}
			defer tx.Rollback(context.WithoutCancel(ctx))
			b := &pgx.Batch{}
			ts := now()
			for _, d := range docs {
				b.Queue(q, docArgs(runID, d, ts)...)
				b.Queue(end, d.DocID)
			}
			if err := tx.SendBatch(ctx, b).Close(); err != nil {
				return fmt.Errorf("catalog %s: recording: %w", c.Path, err)
			}
			if also.Postgres != nil {
				if err := also.Postgres(tx); err != nil {
					return err
				}
			}
			if err := tx.Commit(ctx); err != nil {
				return fmt.Errorf("catalog %s: %w", c.Path, err)
			}
			return nil
		})
	})
}

// NewerVersion says whether extractor version a is newer than b. Versions
// are compared part by dot-separated part, numbers as numbers ("0.10.0" is
// newer than "0.9.1"), through versionKey; "" is older than any.
func NewerVersion(a, b string) bool { return versionKey(a) > versionKey(b) }

// versionPad is the width each part of a version is padded to in its key.
const versionPad = 12

// versionKey is a string that sorts as the version v does: each of its
// dot-separated parts left-padded with zeros to versionPad characters (a
// longer part cut to versionPad, as PostgreSQL's lpad does). The dialects'
// versionKey computes the same in SQL.
func versionKey(v string) string {
	if v == "" {
		return ""
	}
	parts := strings.Split(v, ".")
	for i, p := range parts {
		if len(p) >= versionPad {
			parts[i] = p[:versionPad]
		} else {
			parts[i] = strings.Repeat("0", versionPad-len(p)) + p
		}
	}
	return strings.Join(parts, ".")
}

// sqliteVersionKey is versionKey as an SQL function on every SQLite
// connection of this process (the dialect's versionKey calls it): SQLite
// has no function that splits a string.
const sqliteVersionKey = "zipin_version_key"

func init() {
	sqlite.MustRegisterDeterministicScalarFunction(sqliteVersionKey, 1, func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
		switch v := args[0].(type) {
		case string:
			return versionKey(v), nil
		case []byte:
			return versionKey(string(v)), nil
		case nil:
			return "", nil
		default:
			return nil, fmt.Errorf("%s: a version is text, not %T", sqliteVersionKey, v)
		}
	})
}
