package review

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	"zipin/dataset"
	"zipin/schema"
)

// synthetic builds n invented reports, each with two pages of text, five
// facts and its doc_id derived from its number.
func synthetic(n, from int) *schema.Batch {
	b := &schema.Batch{}
	for i := from; i < from+n; i++ {
		id := fmt.Sprintf("%064x", uint64(i)*0x9e3779b97f4a7c15)
		org := fmt.Sprintf("某县第%d局", i%500)
		y := int32(2020 + i%5)
		budget := schema.Money(100+i%900) * 1e6
		b.Reports = append(b.Reports, schema.Report{DocID: id, Source: fmt.Sprintf("r%d.pdf", i), Format: "pdf", Pages: 2,
			Title: org + "2023年度部门整体支出绩效自评报告", Kind: "department", Organization: &org, FiscalYear: &y, BudgetYuan: &budget,
			Warnings: []string{}, ExtractorVersion: "bench", ExtractedAt: time.Unix(1.7e9, 0).UTC()})
		for p := int32(1); p <= 2; p++ {
			text := fmt.Sprintf("%s 第%d页：全年预算数%d万元，实际支出%d万元，预算执行率%d%%，受益人口%d人。", org, p, 100+i%900, 90+i%900, 90+i%10, 1000+i)
			b.Texts = append(b.Texts, schema.Text{DocID: id, Page: p, Text: text, Method: "text", Quality: 1})
		}
		for s := int32(1); s <= 5; s++ {
			b.Facts = append(b.Facts, schema.Fact{DocID: id, Seq: s, Page: 1 + s%2, Start: 0, End: 2, Text: "某县", Value: float64(s), Unit: "元", Kind: "money", FiscalYear: &y})
		}
	}
	return b
}

// writeSynthetic writes n synthetic reports in batches of 100, as an
// import commits them.
func writeSynthetic(tb testing.TB, dir string, n int) {
	ds, err := dataset.Open(dir, "bench")
	if err != nil {
		tb.Fatal(err)
	}
	for from := 0; from < n; from += 100 {
		if _, err := ds.Commit(synthetic(min(100, n-from), from)); err != nil {
			tb.Fatal(err)
		}
	}
}

// Opening one document reads only the files that may hold it, and gives
// the same rows as the whole dataset read at once.
func TestLoadDocPrunes(t *testing.T) {
	dir := t.TempDir()
	writeSynthetic(t, dir, 300) // three batches: three files per table
	id := synthetic(1, 150).Reports[0].DocID
	files, err := dataset.TableFiles(dir, schema.TableFacts)
	if err != nil || len(files) != 3 {
		t.Fatalf("%v, %v", files, err)
	}
	var hold []string
	for _, f := range files {
		ok, err := mayHold(filepath.Join(dir, f), id)
		if err != nil {
			t.Fatal(err)
		}
		if ok {
			hold = append(hold, f)
		}
	}
	// Document 150 is in the second batch; a bloom filter of 10 bits a value
	// errs for about 1 in 100 other documents, and these 200 are fixed.
	if len(hold) != 1 || hold[0] != files[1] {
		t.Errorf("files that may hold document 150: %v of %v", hold, files)
	}
	doc, err := LoadDoc(dir, id)
	if err != nil {
		t.Fatal(err)
	}
	d, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	all, err := d.Doc(id)
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.Facts) != 5 || len(doc.Texts) != 2 || doc.Report.Source != "r150.pdf" ||
		!reflect.DeepEqual(doc.Facts, all.Facts) || !slices.Equal(doc.Texts, all.Texts) {
		t.Errorf("LoadDoc: %d facts, %d texts, source %s", len(doc.Facts), len(doc.Texts), doc.Report.Source)
	}
	counts, err := d.FactCounts()
	if err != nil || len(counts) != 300 || counts[id] != 5 {
		t.Errorf("fact counts: %d documents, %d for 150, %v", len(counts), counts[id], err)
	}
}

// In the per-document layout (written through a Sink, as zipin worker
// does) opening one document reads its own file of each table alone, and
// gives the same rows as the whole dataset read at once.
func TestLoadDocPerDocumentLayout(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := dataset.OpenSink(ctx, dir, "bench")
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 100; i++ {
		if err := s.PutDocument(ctx, synthetic(1, i)); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()
	id := synthetic(1, 50).Reports[0].DocID
	files, err := dataset.TableFiles(dir, schema.TableFacts)
	if err != nil || len(files) != 100 {
		t.Fatalf("%d facts files, %v", len(files), err)
	}
	if got := dataset.DocumentFiles(files, id); len(got) != 1 || got[0] != filepath.Join(schema.TableFacts, dataset.DocFile(id)) {
		t.Errorf("files that may hold document 50: %v", got)
	}
	doc, err := LoadDoc(dir, id)
	if err != nil {
		t.Fatal(err)
	}
	d, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	all, err := d.Doc(id)
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.Facts) != 5 || len(doc.Texts) != 2 || doc.Report.Source != "r50.pdf" ||
		!reflect.DeepEqual(doc.Facts, all.Facts) || !slices.Equal(doc.Texts, all.Texts) {
		t.Errorf("LoadDoc: %d facts, %d texts, source %s", len(doc.Facts), len(doc.Texts), doc.Report.Source)
	}
}

// BenchmarkLoadDoc times opening one document (zipin review DOC_ID) in a
// dataset of 10 synthetic reports and in one of 10,000 (100 import batches,
// so 100 files per table).
func BenchmarkLoadDoc(b *testing.B) {
	for _, n := range []int{10, 10_000} {
		b.Run(fmt.Sprintf("reports=%d", n), func(b *testing.B) {
			dir := b.TempDir()
			start := time.Now()
			writeSynthetic(b, dir, n)
			b.Logf("wrote %d reports in %v", n, time.Since(start).Round(time.Millisecond))
			id := synthetic(1, n/2).Reports[0].DocID
			b.ResetTimer()
			for range b.N {
				doc, err := LoadDoc(dir, id)
				if err != nil || len(doc.Facts) != 5 {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkLoadAll is what opening one document cost before LoadDoc: the
// reports of the whole dataset, then the document (Load, Doc), in the
// dataset of 10,000 reports.
func BenchmarkLoadAll(b *testing.B) {
	dir := b.TempDir()
	writeSynthetic(b, dir, 10_000)
	id := synthetic(1, 5_000).Reports[0].DocID
	b.ResetTimer()
	for range b.N {
		d, err := Load(dir)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := d.Doc(id); err != nil {
			b.Fatal(err)
		}
	}
}

// Saving a correction to a per-document dataset (zipin worker's) works,
// unlike a batch import into it (dataset.OpenBatch refuses one): a Sink
// never writes corrections, so its one batch file cannot meet a second
// copy of a document.
func TestCorrectPerDocumentLayout(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := dataset.OpenSink(ctx, dir, "bench")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.PutDocument(ctx, synthetic(1, 7)); err != nil {
		t.Fatal(err)
	}
	s.Close()
	id := synthetic(1, 7).Reports[0].DocID
	d, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := d.Doc(id)
	if err != nil {
		t.Fatal(err)
	}
	c, err := NewCorrection(doc, "organization", ActionConfirm, "", "", "王", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Correct(c); err != nil {
		t.Fatalf("Correct on a per-document dataset: %v", err)
	}
	files, err := dataset.TableFiles(dir, schema.TableCorrections)
	if err != nil || len(files) != 1 {
		t.Errorf("corrections files %v, %v; want one", files, err)
	}
	if reports, err := dataset.TableFiles(dir, schema.TableReports); err != nil || len(reports) != 1 || reports[0] != filepath.Join(schema.TableReports, dataset.DocFile(id)) {
		t.Errorf("reports files %v, %v; want the document's own", reports, err)
	}
}
