package dataset

import (
	"path/filepath"
	"testing"

	"zipin/schema"
)

// Re-extracting one document of a batch again and again rewrites the file
// that holds its batch-mates each time; the rewrite's name must not grow
// (it once gained ~40 characters per rewrite, until the name was too long
// for the file system), and must keep the batch the rows came from.
func TestRepeatedSupersedeKeepsNamesBoundedAndOrigin(t *testing.T) {
	dir := t.TempDir()
	ds, _ := Open(dir, "1")
	b := sampleBatch("d1", schema.Ptr(int32(2021)), nil)
	b.Append(sampleBatch("d2", schema.Ptr(int32(2021)), nil))
	files, err := ds.Commit(b)
	if err != nil {
		t.Fatal(err)
	}
	origin := Origin(files[0])
	if origin == "" {
		t.Fatalf("no origin in %s", files[0])
	}
	for i := 0; i < 12; i++ {
		if _, err := ds.Commit(sampleBatch("d1", schema.Ptr(int32(2021)), nil)); err != nil {
			t.Fatalf("re-commit %d: %v", i, err)
		}
	}
	rel, _ := TableFiles(dir, schema.TableReports)
	found := false
	for _, f := range rel {
		if n := len(filepath.Base(f)); n > 100 {
			t.Errorf("%s: name of %d bytes", f, n)
		}
		ids, _ := FileDocIDs(filepath.Join(dir, f))
		if ids["d2"] {
			found = true
			if Origin(f) != origin {
				t.Errorf("d2's file %s has origin %q, want %q", f, Origin(f), origin)
			}
		}
	}
	if !found {
		t.Error("d2 lost")
	}
	rows, _ := ReadTable[schema.Report](dir, schema.TableReports)
	if len(rows) != 2 {
		t.Errorf("%d report rows, want 2", len(rows))
	}
}
