package dataset

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"

	"zipin/internal/atomicfile"
	"zipin/schema"
)

func sampleBatch(docID string, year *int32, budget *schema.Money) *schema.Batch {
	b := &schema.Batch{}
	b.Reports = append(b.Reports, schema.Report{
		DocID: docID, Source: "a/" + docID + ".txt", Format: "txt", Pages: 1, Title: "某局2021年部门整体支出绩效自评报告",
		Kind: "department", Organization: schema.Ptr("某局"), FiscalYear: year, BudgetYuan: budget,
		ExecutionRate: schema.Ptr(86.0), Warnings: []string{"w1"}, ExtractorVersion: "test",
		ExtractedAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
	})
	if budget != nil {
		b.Reports[0].Evidence = []schema.Evidence{
			{Field: "budget", Value: "135659700", Page: 1, Start: 3, End: 12, Label: "预算数", Source: "prose", Scope: "document", Chosen: true, Reason: "strongest label"},
			{Field: "budget", Value: "1000000", Page: 1, Start: 20, End: 25, Label: "安排…资金", Source: "prose", Scope: "document", Reason: "weaker label than 预算数"},
		}
	}
	b.Facts = append(b.Facts, schema.Fact{DocID: docID, Seq: 1, Page: 1, Start: 3, End: 12, Text: "13565.97万元", Value: 135659700, Unit: "元", UnitText: "万元", Kind: "money", FiscalYear: year})
	b.Texts = append(b.Texts, schema.Text{DocID: docID, Page: 1, Text: "预算数13565.97万元", Method: "text-utf-8", Quality: 1})
	return b
}

func TestWriteAndReadBack(t *testing.T) {
	dir := t.TempDir()
	ds, err := Open(dir, "9.9.9")
	if err != nil {
		t.Fatal(err)
	}
	budget := schema.Money(13565970000) // 135659700.00 元
	if _, err := ds.Commit(sampleBatch("d1", schema.Ptr(int32(2021)), &budget)); err != nil {
		t.Fatal(err)
	}
	if _, err := ds.Commit(sampleBatch("d2", nil, nil)); err != nil {
		t.Fatal(err)
	}
	files, _ := TableFiles(dir, schema.TableReports)
	// One file per batch, directly in the table's folder (no partitions).
	if len(files) != 2 || filepath.Dir(files[0]) != schema.TableReports || filepath.Dir(files[1]) != schema.TableReports {
		t.Fatalf("reports files %v", files)
	}
	// Physical types through parquet-go's own schema reader: DECIMAL(18,2)
	// on INT64, optional columns, and the version metadata.
	f, err := os.Open(filepath.Join(dir, files[0]))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, _ := f.Stat()
	pf, err := parquet.OpenFile(f, st.Size())
	if err != nil {
		t.Fatal(err)
	}
	col, ok := pf.Schema().Lookup("budget_yuan")
	if !ok {
		t.Fatal("no budget_yuan column")
	}
	lt := col.Node.Type().LogicalType()
	if lt == nil || lt.String() != "DECIMAL(18,2)" || col.Node.Type().Kind() != parquet.Int64 || !col.Node.Optional() {
		t.Errorf("budget_yuan type %v kind %v optional=%v", lt, col.Node.Type().Kind(), col.Node.Optional())
	}
	if v, ok := pf.Lookup("zipin.schema_version"); !ok || v != schema.SchemaVersion {
		t.Errorf("schema_version = %q", v)
	}
	if v, ok := pf.Lookup("zipin.extractor_version"); !ok || v != "9.9.9" {
		t.Errorf("extractor_version = %q", v)
	}
	reports, err := ReadTable[schema.Report](dir, schema.TableReports)
	if err != nil {
		t.Fatal(err)
	}
	sort.Slice(reports, func(i, j int) bool { return reports[i].DocID < reports[j].DocID })
	if len(reports) != 2 {
		t.Fatalf("%d reports", len(reports))
	}
	r1, r2 := reports[0], reports[1]
	if r1.BudgetYuan == nil || *r1.BudgetYuan != 13565970000 || *r1.FiscalYear != 2021 || r1.Warnings[0] != "w1" || !r1.ExtractedAt.Equal(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)) {
		t.Errorf("r1 = %+v", r1)
	}
	// reports.evidence is a LIST of STRUCT that reads back element by element.
	if len(r1.Evidence) != 2 || !r1.Evidence[0].Chosen || r1.Evidence[0].End != 12 || r1.Evidence[1].Reason != "weaker label than 预算数" || r1.Evidence[1].Chosen {
		t.Errorf("r1 evidence = %+v", r1.Evidence)
	}
	if len(r2.Evidence) != 0 {
		t.Errorf("r2 evidence = %+v", r2.Evidence)
	}
	if r2.BudgetYuan != nil || r2.FiscalYear != nil || r2.Grade != nil || r2.ExecutedYuan != nil {
		t.Errorf("NULLs not NULL: %+v", r2)
	}
}

func TestRecommitSupersedesOldRows(t *testing.T) {
	dir := t.TempDir()
	ds, _ := Open(dir, "1")
	b1 := sampleBatch("d1", schema.Ptr(int32(2021)), nil)
	b1.Append(sampleBatch("d2", schema.Ptr(int32(2021)), nil))
	if _, err := ds.Commit(b1); err != nil {
		t.Fatal(err)
	}
	ds2, _ := Open(dir, "2")
	b2 := sampleBatch("d1", schema.Ptr(int32(2022)), nil)
	b2.Reports[0].ExtractorVersion = "2"
	if _, err := ds2.Commit(b2); err != nil {
		t.Fatal(err)
	}
	for _, table := range []string{schema.TableReports, schema.TableFacts, schema.TableTexts} {
		var ids []string
		switch table {
		case schema.TableReports:
			rows, _ := ReadTable[schema.Report](dir, table)
			for _, r := range rows {
				ids = append(ids, r.DocID)
			}
		case schema.TableFacts:
			rows, _ := ReadTable[schema.Fact](dir, table)
			for _, r := range rows {
				ids = append(ids, r.DocID)
			}
		case schema.TableTexts:
			rows, _ := ReadTable[schema.Text](dir, table)
			for _, r := range rows {
				ids = append(ids, r.DocID)
			}
		}
		sort.Strings(ids)
		if strings.Join(ids, ",") != "d1,d2" {
			t.Errorf("%s: doc ids %v, want one row each", table, ids)
		}
	}
	versions, _ := ds2.DocVersions()
	if versions["d1"] != "2" || versions["d2"] != "test" {
		t.Errorf("versions %v", versions)
	}
}

// A batch staged but never committed is discarded; one whose manifest was
// written is published, as if the crash had not happened.
func TestRecovery(t *testing.T) {
	dir := t.TempDir()
	ds, _ := Open(dir, "1")
	// An uncommitted batch: files staged, no manifest.
	orphan := filepath.Join(dir, stagingDir, "x", schema.TableReports)
	os.MkdirAll(orphan, 0o755)
	if err := writeParquet(filepath.Join(orphan, "part-x.parquet"), "1", sampleBatch("lost", nil, nil).Reports); err != nil {
		t.Fatal(err)
	}
	// A committed one whose publish was cut short.
	done := filepath.Join(dir, stagingDir, "y")
	os.MkdirAll(filepath.Join(done, schema.TableReports), 0o755)
	if err := writeParquet(filepath.Join(done, schema.TableReports, "part-y.parquet"), "1", sampleBatch("kept", nil, nil).Reports); err != nil {
		t.Fatal(err)
	}
	if err := atomicfile.Write(filepath.Join(done, "MANIFEST"), []byte(`{"files":["reports/part-y.parquet"]}`)); err != nil {
		t.Fatal(err)
	}
	_ = ds
	if _, err := Open(dir, "1"); err != nil {
		t.Fatal(err)
	}
	rows, err := ReadTable[schema.Report](dir, schema.TableReports)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0].DocID != "kept" {
		t.Errorf("after recovery: %+v", rows)
	}
	if _, err := os.Stat(filepath.Join(dir, stagingDir, "x")); !os.IsNotExist(err) {
		t.Error("uncommitted batch left behind")
	}
}

// A batch that supersedes the last file of an old partition folder removes
// the folder, and publish then syncs the table folder that held it: the
// folder that is gone is not an error, on the first run or on recovery.
func TestPublishRemovesEmptiedPartitionFolder(t *testing.T) {
	dir := t.TempDir()
	if _, err := Open(dir, "1"); err != nil {
		t.Fatal(err)
	}
	part := filepath.Join(dir, schema.TableFacts, "fiscal_year=2021")
	os.MkdirAll(part, 0o755)
	if err := writeParquet(filepath.Join(part, "part-old.parquet"), "1", sampleBatch("old", nil, nil).Facts); err != nil {
		t.Fatal(err)
	}
	done := filepath.Join(dir, stagingDir, "y")
	os.MkdirAll(filepath.Join(done, schema.TableReports), 0o755)
	if err := writeParquet(filepath.Join(done, schema.TableReports, "part-y.parquet"), "1", sampleBatch("kept", nil, nil).Reports); err != nil {
		t.Fatal(err)
	}
	m := `{"files":["reports/part-y.parquet"],"remove":["facts/fiscal_year=2021/part-old.parquet"]}`
	if err := atomicfile.Write(filepath.Join(done, "MANIFEST"), []byte(m)); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir, "1"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(part); !os.IsNotExist(err) {
		t.Errorf("emptied partition folder left: %v", err)
	}
	// The same publish again, as after a crash just before the staging folder
	// went: the removed file and folder are gone, the file already moved.
	os.MkdirAll(done, 0o755)
	if err := atomicfile.Write(filepath.Join(done, "MANIFEST"), []byte(m)); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir, "1"); err != nil {
		t.Fatalf("recovery of a published batch: %v", err)
	}
	rows, err := ReadTable[schema.Report](dir, schema.TableReports)
	if err != nil || len(rows) != 1 || rows[0].DocID != "kept" {
		t.Errorf("reports after recovery: %+v, %v", rows, err)
	}
}

// CommitBatches writes several documents' batches into one file per table,
// each batch's rows in turn, as Commit of their concatenation would.
func TestCommitBatchesOneFilePerTable(t *testing.T) {
	dir := t.TempDir()
	ds, err := Open(dir, "9.9.9")
	if err != nil {
		t.Fatal(err)
	}
	d2 := sampleBatch("d2", nil, nil)
	d2.Facts = append(d2.Facts, schema.Fact{DocID: "d2", Seq: 2, Text: "九成", Value: 0.9, Unit: "%", Kind: "ratio"})
	noText := &schema.Batch{Reports: []schema.Report{{DocID: "d3", Title: "空"}}}
	files, err := ds.CommitBatches([]*schema.Batch{sampleBatch("d1", schema.Ptr(int32(2021)), nil), d2, noText})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 3 { // texts, facts, reports: no projects or indicators
		t.Fatalf("files %v, want one each for texts, facts and reports", files)
	}
	var facts []string
	rows, err := ReadTable[schema.Fact](dir, schema.TableFacts)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range rows {
		facts = append(facts, fmt.Sprintf("%s/%d/%s", f.DocID, f.Seq, f.Text))
	}
	if got, want := strings.Join(facts, " "), "d1/1/13565.97万元 d2/1/13565.97万元 d2/2/九成"; got != want {
		t.Errorf("facts %s, want %s", got, want)
	}
	reports, err := ReadTable[schema.Report](dir, schema.TableReports)
	if err != nil {
		t.Fatal(err)
	}
	if len(reports) != 3 || reports[0].DocID != "d1" || *reports[0].FiscalYear != 2021 || reports[2].DocID != "d3" || reports[2].Title != "空" {
		t.Errorf("reports %+v", reports)
	}
	if files, err := ds.CommitBatches([]*schema.Batch{{}, {}}); err != nil || files != nil {
		t.Errorf("empty batches: %v %v", files, err)
	}
}
