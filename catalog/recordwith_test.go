package catalog_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"

	"github.com/jackc/pgx/v5"

	"zipin/catalog"
)

func TestRecordWithCommitsTogetherAndNeverGoesBack(t *testing.T) {
	onBoth(t, testRecordWith)
}

func testRecordWith(t *testing.T, url string) {
	ctx := context.Background()
	c := openURL(t, url)
	defer c.Close()
	run, err := c.StartRun("0.10.0", 1)
	if err != nil {
		t.Fatal(err)
	}
	// seen reads the document's status as the transaction RecordWith lends
	// sees it, before the commit.
	var seen string
	read := catalog.Also{
		Postgres: func(tx pgx.Tx) error {
			return tx.QueryRow(ctx, `SELECT status FROM documents WHERE doc_id = 'x'`).Scan(&seen)
		},
		SQLite: func(tx *sql.Tx) error {
			return tx.QueryRow(`SELECT status FROM documents WHERE doc_id = 'x'`).Scan(&seen)
		},
	}
	record := func(version string, status catalog.Status, reason string, also catalog.Also) error {
		return c.RecordWith(ctx, run, []catalog.Doc{{DocID: "x", Source: "x.pdf", Status: status, Reason: reason, ExtractorVersion: version}}, also)
	}
	want := func(version string, status catalog.Status, reason string) {
		t.Helper()
		d, err := c.Docs([]string{"x"})
		if err != nil {
			t.Fatal(err)
		}
		if got := d["x"]; got.ExtractorVersion != version || got.Status != status || got.Reason != reason {
			t.Fatalf("x = %s %s %q, want %s %s %q", got.ExtractorVersion, got.Status, got.Reason, version, status, reason)
		}
	}

	if err := record("0.10.0", catalog.StatusOK, "", read); err != nil {
		t.Fatal(err)
	}
	if seen != "ok" {
		t.Fatalf("the added work saw status %q, want ok: not the catalog's transaction", seen)
	}
	want("0.10.0", catalog.StatusOK, "")

	// What the added work fails rolls the record back with it.
	boom := errors.New("job not completed")
	fail := catalog.Also{Postgres: func(pgx.Tx) error { return boom }, SQLite: func(*sql.Tx) error { return boom }}
	if err := record("0.10.0", catalog.StatusQuarantined, "PDF damaged", fail); !errors.Is(err, boom) {
		t.Fatalf("err = %v, want %v", err, boom)
	}
	want("0.10.0", catalog.StatusOK, "")

	// An older version (0.9.1 is older than 0.10.0 though it sorts after
	// it as text) leaves the row as it is; the transaction still commits.
	seen = ""
	if err := record("0.9.1", catalog.StatusQuarantined, "timeout after 2m", read); err != nil {
		t.Fatal(err)
	}
	if seen != "ok" {
		t.Fatalf("the added work saw status %q, want ok (the newer row)", seen)
	}
	want("0.10.0", catalog.StatusOK, "")

	// The same version again (--force) and a newer one replace it.
	if err := record("0.10.0", catalog.StatusQuarantined, "timeout after 2m", catalog.Also{}); err != nil {
		t.Fatal(err)
	}
	want("0.10.0", catalog.StatusQuarantined, "timeout after 2m")
	if err := record("1.0.0", catalog.StatusOK, "", catalog.Also{}); err != nil {
		t.Fatal(err)
	}
	want("1.0.0", catalog.StatusOK, "")
}

func TestNewerVersion(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want bool
	}{
		{"0.10.0", "0.9.1", true},
		{"0.9.1", "0.10.0", false},
		{"1.0.0", "1.0.0", false},
		{"1.0.1", "1.0", true},
		{"0.1.0", "", true},
		{"", "0.1.0", false},
	} {
		if got := catalog.NewerVersion(c.a, c.b); got != c.want {
			t.Errorf("NewerVersion(%q, %q) = %v, want %v", c.a, c.b, got, c.want)
		}
	}
}
