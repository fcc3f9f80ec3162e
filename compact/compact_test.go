package compact_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"zipin/compact"
	"zipin/dataset"
	"zipin/schema"
)

func batch(version string, year int32, ids ...string) *schema.Batch {
	b := &schema.Batch{}
	for _, id := range ids {
		y := year
		b.Reports = append(b.Reports, schema.Report{DocID: id, Source: id + ".txt", Format: "txt", Pages: 1,
			FiscalYear: &y, ExtractorVersion: version, ExtractedAt: time.Now().UTC().Truncate(time.Millisecond)})
		b.Facts = append(b.Facts, schema.Fact{DocID: id, Seq: 1, Page: 1, Text: "1元", Value: 1, Unit: "元", FiscalYear: &y})
		b.Texts = append(b.Texts, schema.Text{DocID: id, Page: 1, Text: "v" + version})
	}
	return b
}

func TestCompactKeepsOneRowPerKeyAndTheNewest(t *testing.T) {
	dir := t.TempDir()
	ds, err := dataset.Open(dir, "1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ds.Commit(batch("1", 2021, "d1", "d2")); err != nil {
		t.Fatal(err)
	}
	// Keep a copy of the first files: put back after the re-extraction, they
	// are the stale duplicates an older zipin or a hand copy leaves behind.
	stale := map[string][]byte{}
	for _, table := range []string{schema.TableReports, schema.TableFacts, schema.TableTexts} {
		files, _ := dataset.TableFiles(dir, table)
		for _, f := range files {
			b, _ := os.ReadFile(filepath.Join(dir, f))
			stale[f] = b
		}
	}
	time.Sleep(2 * time.Millisecond)
	for i := 0; i < 3; i++ {
		if _, err := ds.Commit(batch("1", 2021, fmt.Sprintf("n%d", i))); err != nil {
			t.Fatal(err)
		}
	}
	ds2, _ := dataset.Open(dir, "2")
	if _, err := ds2.Commit(batch("2", 2022, "d1")); err != nil {
		t.Fatal(err)
	}
	for f, b := range stale {
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	before, _ := dataset.ReadTable[schema.Report](dir, schema.TableReports)
	if len(before) != 7 {
		t.Fatalf("set-up: %d report rows, want 7 (5 documents, 2 stale)", len(before))
	}

	res, err := compact.Compact(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%+v", res.Tables)
	reports, _ := dataset.ReadTable[schema.Report](dir, schema.TableReports)
	seen := map[string]schema.Report{}
	for _, r := range reports {
		if _, dup := seen[r.DocID]; dup {
			t.Errorf("reports: two rows for %s", r.DocID)
		}
		seen[r.DocID] = r
	}
	if len(seen) != 5 {
		t.Errorf("reports: %d documents, want 5", len(seen))
	}
	if r := seen["d1"]; r.ExtractorVersion != "2" || r.FiscalYear == nil || *r.FiscalYear != 2022 {
		t.Errorf("d1 kept the stale row: %+v", r)
	}
	texts, _ := dataset.ReadTable[schema.Text](dir, schema.TableTexts)
	for _, x := range texts {
		if x.DocID == "d1" && x.Text != "v2" {
			t.Errorf("texts: d1 kept the stale row %q", x.Text)
		}
	}
	if len(texts) != 5 {
		t.Errorf("texts: %d rows, want 5", len(texts))
	}
	// One file per table, in the table's folder.
	for _, table := range []string{schema.TableReports, schema.TableFacts, schema.TableTexts} {
		files, _ := dataset.TableFiles(dir, table)
		parts := map[string]int{}
		for _, f := range files {
			parts[filepath.Dir(f)]++
		}
		for p, n := range parts {
			if n != 1 || p != table {
				t.Errorf("%s: %d files after compaction", p, n)
			}
		}
	}
	if st := res.Tables[schema.TableReports]; st.RowsDropped != 2 || st.FilesAfter != 1 {
		t.Errorf("reports stats %+v, want 2 dropped, 1 file", st)
	}
	// Compacting a compact dataset changes nothing.
	res2, err := compact.Compact(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(res2.Files) != 0 {
		t.Errorf("second compaction wrote %v", res2.Files)
	}
	if ents, _ := os.ReadDir(filepath.Join(dir, ".staging")); len(ents) != 0 {
		t.Errorf("staging not empty")
	}
}

// A dataset written by a zipin that partitioned by fiscal_year (files in
// reports/fiscal_year=2021/) compacts into the flat layout, rows intact.
func TestCompactMovesPartitionFoldersOut(t *testing.T) {
	dir := t.TempDir()
	ds, err := dataset.Open(dir, "1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ds.Commit(batch("1", 2021, "d1", "d2")); err != nil {
		t.Fatal(err)
	}
	files, _ := dataset.TableFiles(dir, schema.TableReports)
	old := filepath.Join(dir, schema.TableReports, "fiscal_year=2021", filepath.Base(files[0]))
	if err := os.MkdirAll(filepath.Dir(old), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(filepath.Join(dir, files[0]), old); err != nil {
		t.Fatal(err)
	}
	if _, err := compact.Compact(dir); err != nil {
		t.Fatal(err)
	}
	files, _ = dataset.TableFiles(dir, schema.TableReports)
	if len(files) != 1 || filepath.Dir(files[0]) != schema.TableReports {
		t.Errorf("reports files after compaction: %v, want one in reports/", files)
	}
	if _, err := os.Stat(filepath.Dir(old)); !os.IsNotExist(err) {
		t.Errorf("empty partition folder left: %v", err)
	}
	rows, _ := dataset.ReadTable[schema.Report](dir, schema.TableReports)
	if len(rows) != 2 || rows[0].FiscalYear == nil || *rows[0].FiscalYear != 2021 {
		t.Errorf("rows after compaction: %+v", rows)
	}
}
