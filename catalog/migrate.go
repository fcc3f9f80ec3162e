package catalog

import (
	"context"
	"fmt"
)

// migrations are applied in order, each entry one version, on SQLite as
// written and on PostgreSQL through the dialect's type table (INTEGER is
// BIGINT there). Never edit an applied entry: add a new one, in SQL both
// databases accept.
var migrations = []string{
	1: `
CREATE TABLE documents (
	doc_id            TEXT PRIMARY KEY,
	source            TEXT NOT NULL,
	size              INTEGER NOT NULL DEFAULT 0,
	format            TEXT NOT NULL DEFAULT '',
	status            TEXT NOT NULL,
	reason            TEXT NOT NULL DEFAULT '',
	extractor_version TEXT NOT NULL,
	read_ms           INTEGER NOT NULL DEFAULT 0,
	extract_ms        INTEGER NOT NULL DEFAULT 0,
	analyze_ms        INTEGER NOT NULL DEFAULT 0,
	pages             INTEGER NOT NULL DEFAULT 0,
	facts             INTEGER NOT NULL DEFAULT 0,
	batch             TEXT NOT NULL DEFAULT '',
	files             TEXT NOT NULL DEFAULT '',
	run_id            INTEGER,
	first_seen        TEXT NOT NULL,
	updated_at        TEXT NOT NULL
);
CREATE INDEX documents_status ON documents(status);
CREATE TABLE inputs (
	path     TEXT PRIMARY KEY,
	size     INTEGER NOT NULL,
	mtime_ns INTEGER NOT NULL,
	doc_id   TEXT NOT NULL DEFAULT '',
	status   TEXT NOT NULL DEFAULT '',
	reason   TEXT NOT NULL DEFAULT '',
	seen_at  TEXT NOT NULL
);
CREATE TABLE runs (
	id                INTEGER PRIMARY KEY AUTOINCREMENT,
	started_at        TEXT NOT NULL,
	finished_at       TEXT,
	extractor_version TEXT NOT NULL,
	jobs              INTEGER NOT NULL,
	inputs            INTEGER NOT NULL DEFAULT 0,
	extracted         INTEGER NOT NULL DEFAULT 0,
	skipped           INTEGER NOT NULL DEFAULT 0,
	quarantined       INTEGER NOT NULL DEFAULT 0,
	failed            INTEGER NOT NULL DEFAULT 0,
	pages             INTEGER NOT NULL DEFAULT 0,
	facts             INTEGER NOT NULL DEFAULT 0,
	state             TEXT NOT NULL DEFAULT 'running'
);`,
	// 2: documents being worked on, so one that takes its process down is
	// known on the next run; inputs left out by name are counted per run.
	2: `
CREATE TABLE in_progress (
	doc_id     TEXT PRIMARY KEY,
	source     TEXT NOT NULL,
	run_id     INTEGER NOT NULL,
	in_process INTEGER NOT NULL DEFAULT 0,
	attempts   INTEGER NOT NULL DEFAULT 1,
	started_at TEXT NOT NULL
);
ALTER TABLE runs ADD COLUMN ignored INTEGER NOT NULL DEFAULT 0;`,
}

// schemaVersion is the catalog schema this zipin writes.
var schemaVersion = len(migrations) - 1

// migrationTable records the applied versions, one row each. It is the
// catalog's own (the harvester keeps its tables in the same SQLite file),
// and catalogs written before PostgreSQL support already have it.
const migrationTable = `CREATE TABLE IF NOT EXISTS catalog_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)`

// migrate applies the missing migrations in one transaction: all or none.
// On SQLite the transaction begins IMMEDIATE, on PostgreSQL it first takes
// an advisory lock, so processes that open one new catalog at once wait
// for the first to migrate it and then find nothing left to do.
func (c *Catalog) migrate(ctx context.Context) error {
	return c.inTx(ctx, func(tx conn) error {
		if c.d.migrationLock != "" {
			if _, err := tx.exec(c.d.migrationLock); err != nil {
				return fmt.Errorf("catalog %s: %w", c.Path, err)
			}
		}
		if _, err := tx.exec(c.d.schema(migrationTable)); err != nil {
			return fmt.Errorf("catalog %s: %w", c.Path, err)
		}
		have, err := c.versionIn(tx)
		if err != nil {
			return err
		}
		if have > schemaVersion {
			return fmt.Errorf("catalog %s: schema version %d is newer than this zipin knows (%d)", c.Path, have, schemaVersion)
		}
		for v := have + 1; v <= schemaVersion; v++ {
			if _, err := tx.exec(c.d.schema(migrations[v])); err != nil {
				return fmt.Errorf("catalog %s: migration %d: %w", c.Path, v, err)
			}
			if _, err := tx.exec(`INSERT INTO catalog_migrations (version, applied_at) VALUES (?, ?)`, v, now()); err != nil {
				return fmt.Errorf("catalog %s: %w", c.Path, err)
			}
		}
		return nil
	})
}

// appliedVersion reads the applied schema version of a catalog opened read
// only; a database without the catalog's tables is an error.
func (c *Catalog) appliedVersion(ctx context.Context) (int, error) {
	return c.versionIn(conn{ctx, c.db, c.d, nil})
}

func (c *Catalog) versionIn(q conn) (int, error) {
	var v int
	if err := q.queryRow(`SELECT COALESCE(MAX(version), 0) FROM catalog_migrations`).Scan(&v); err != nil {
		return 0, fmt.Errorf("catalog %s: %w", c.Path, err)
	}
	return v, nil
}
