package dataset_test

import (
	"context"
	"io/fs"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"zipin/dataset"
	"zipin/query/fixture"
	"zipin/schema"
)

// TestLayoutReadsAsOneArrowDataset reads a dataset the way pyarrow/pandas and
// Spark do with their defaults, through a second, independent Parquet
// implementation (Apache Arrow's Go reader, not parquet-go, which wrote the
// files): every file of a table is read into Arrow, the table's files must
// have one schema (a dataset reader merges them without union_by_name), and
// no folder may look like a Hive partition (key=value), which those readers
// turn into a column that clashed with the same column inside the files
// (pandas: "Unable to merge: Field fiscal_year has incompatible types";
// Spark: "duplicate column(s)"; issue 20).
func TestLayoutReadsAsOneArrowDataset(t *testing.T) {
	dir := t.TempDir()
	if _, err := fixture.Write(dir); err != nil {
		t.Fatal(err)
	}
	// A second batch, so tables have several files; its report has no year.
	ds, err := dataset.Open(dir, "test")
	if err != nil {
		t.Fatal(err)
	}
	budget := schema.Money(1234567)
	if _, err := ds.Commit(&schema.Batch{Reports: []schema.Report{{DocID: "undated-2", Kind: "other", BudgetYuan: &budget, Warnings: []string{}}},
		Facts: []schema.Fact{{DocID: "undated-2", Seq: 1, Page: 1, Text: "12345.67元", Value: 12345.67, Unit: "元", UnitText: "元", Kind: "money"}}}); err != nil {
		t.Fatal(err)
	}

	for _, table := range schema.Tables {
		root := filepath.Join(dir, table)
		var files []string
		filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				t.Fatal(err)
			}
			if d.IsDir() && p != root && strings.Contains(d.Name(), "=") {
				t.Errorf("%s: folder %s reads as a Hive partition", table, d.Name())
			}
			if !d.IsDir() && strings.HasSuffix(p, ".parquet") {
				files = append(files, p)
			}
			return nil
		})
		var first *arrow.Schema
		for _, f := range files {
			tbl := readArrow(t, f)
			if first == nil {
				first = tbl.Schema()
			} else if !sameFields(first, tbl.Schema()) {
				t.Errorf("%s: %s has schema\n%v\nwhere the first file has\n%v", table, filepath.Base(f), tbl.Schema(), first)
			}
			tbl.Release()
		}
	}

	// The values, as an Arrow user reads them: fiscal_year INT32 with NULL,
	// money DECIMAL(18,2) exact.
	years := map[string]string{}
	budgets := map[string]string{}
	files, _ := dataset.TableFiles(dir, schema.TableReports)
	for _, f := range files {
		tbl := readArrow(t, filepath.Join(dir, f))
		sch := tbl.Schema()
		idx := func(name string) int {
			i := sch.FieldIndices(name)
			if len(i) != 1 {
				t.Fatalf("reports: no column %s in %v", name, sch)
			}
			return i[0]
		}
		yf, bf := sch.Field(idx("fiscal_year")), sch.Field(idx("budget_yuan"))
		if yf.Type.ID() != arrow.INT32 || !yf.Nullable {
			t.Errorf("fiscal_year is %v nullable=%v, want int32 nullable", yf.Type, yf.Nullable)
		}
		dt, ok := bf.Type.(*arrow.Decimal128Type)
		if !ok || dt.Precision != 18 || dt.Scale != 2 {
			t.Fatalf("budget_yuan is %v, want decimal128(18, 2)", bf.Type)
		}
		tr := array.NewTableReader(tbl, -1)
		for tr.Next() {
			rec := tr.RecordBatch()
			ids := rec.Column(idx("doc_id")).(*array.String)
			ys := rec.Column(idx("fiscal_year")).(*array.Int32)
			bs := rec.Column(idx("budget_yuan")).(*array.Decimal128)
			for i := 0; i < int(rec.NumRows()); i++ {
				years[ids.Value(i)], budgets[ids.Value(i)] = "NULL", "NULL"
				if ys.IsValid(i) {
					years[ids.Value(i)] = ys.ValueStr(i)
				}
				if bs.IsValid(i) {
					budgets[ids.Value(i)] = bs.Value(i).ToString(2)
				}
			}
		}
		tr.Release()
		tbl.Release()
	}
	// fixture: 民政局 2022 budget 1250 万元; 2023 1400 万元; the undated
	// report of the fixture has no budget; undated-2 above 12345.67 元.
	for id, want := range map[string][2]string{
		fixture.CivilAffairs2022: {"2022", "12500000.00"},
		fixture.CivilAffairs2023: {"2023", "14000000.00"},
		"undated-2":              {"NULL", "12345.67"},
	} {
		if years[id] != want[0] || budgets[id] != want[1] {
			t.Errorf("%s: fiscal_year %s budget_yuan %s, want %s %s", id, years[id], budgets[id], want[0], want[1])
		}
	}
	if years[fixture.Undated] != "NULL" {
		t.Errorf("undated report: fiscal_year %s, want NULL", years[fixture.Undated])
	}
}

func readArrow(t *testing.T, path string) arrow.Table {
	t.Helper()
	rdr, err := file.OpenParquetFile(path, false)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	defer rdr.Close()
	fr, err := pqarrow.NewFileReader(rdr, pqarrow.ArrowReadProperties{}, memory.DefaultAllocator)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	tbl, err := fr.ReadTable(context.Background())
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return tbl
}

// sameFields compares names, types and nullability, in order; the schema's
// key-value metadata (zipin's versions) may differ between files.
func sameFields(a, b *arrow.Schema) bool {
	names := func(s *arrow.Schema) []string {
		var out []string
		for _, f := range s.Fields() {
			out = append(out, f.Name+" "+f.Type.String()+" "+map[bool]string{true: "null", false: "not null"}[f.Nullable])
		}
		sort.Strings(out)
		return out
	}
	return strings.Join(names(a), "\n") == strings.Join(names(b), "\n")
}
