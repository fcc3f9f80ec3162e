package catalog

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
)

// A catalog written by a zipin from before in_progress (schema 1, SQLite)
// is read as it is by OpenReadOnly and brought to the current schema by
// Open, keeping its rows: the migrations' SQLite text never changed.
func TestUpgradeFromSchema1(t *testing.T) {
	dir := t.TempDir()
	db, err := sql.Open("sqlite", filepath.Join(dir, FileName))
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{migrationTable, migrations[1],
		`INSERT INTO catalog_migrations VALUES (1, '2026-01-01T00:00:00Z')`,
		`INSERT INTO runs (started_at, extractor_version, jobs, extracted, state) VALUES ('2026-01-01T00:00:00Z', '0.9', 2, 7, 'done')`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	db.Close()

	ro, err := OpenReadOnly(dir)
	if err != nil {
		t.Fatal(err)
	}
	u, uerr := ro.Unfinished()
	runs, rerr := ro.Runs(5)
	ro.Close()
	if ro.version != 1 || u != nil || uerr != nil || rerr != nil || len(runs) != 1 || runs[0].Extracted != 7 {
		t.Fatalf("read-only schema 1: version %d, unfinished %v %v, runs %+v %v", ro.version, u, uerr, runs, rerr)
	}

	c, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if v, err := c.appliedVersion(context.Background()); err != nil || v != schemaVersion {
		t.Fatalf("after Open: version %d, %v; want %d", v, err, schemaVersion)
	}
	if runs, err := c.Runs(5); err != nil || len(runs) != 1 || runs[0].Extracted != 7 || runs[0].Ignored != 0 {
		t.Fatalf("runs after the upgrade: %+v, %v", runs, err)
	}
	if err := c.Begin(1, "a", "a.pdf", false); err != nil {
		t.Fatal(err) // in_progress exists now
	}
}
