package docx_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"zipin/extract/doc"
	"zipin/extract/docx"
	"zipin/extract/docx/tables"
	"zipin/extract/html"
	"zipin/extract/xlsx"
)

const office = "../../testdata/office"

// expectedTable is the 自评表 of testdata/src/selfeval-table.html, cell by
// cell, checked by hand against the source: every format must give exactly
// these anchor cells.
func expectedTable(t *testing.T) *doc.Table {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(office, "selfeval-cells.json"))
	if err != nil {
		t.Fatal(err)
	}
	var x struct {
		Rows, Cols int
		Cells      [][5]any
	}
	if err := json.Unmarshal(b, &x); err != nil {
		t.Fatal(err)
	}
	tb := &doc.Table{Rows: x.Rows, Cols: x.Cols}
	for _, c := range x.Cells {
		tb.Cells = append(tb.Cells, doc.Cell{Row: int(c[0].(float64)), Col: int(c[1].(float64)),
			RowSpan: int(c[2].(float64)), ColSpan: int(c[3].(float64)), Text: c[4].(string)})
	}
	return tb
}

// readers are called directly rather than through extract.Read, so that
// these tests do not depend on the other formats' packages building;
// detection and dispatch are tested in package extract.
var readers = map[doc.Format]func(context.Context, string, []byte) (*doc.Document, error){
	doc.FormatHTML: html.Read, doc.FormatDOCX: docx.Read, doc.FormatXLSX: xlsx.Read,
}

func readFile(t *testing.T, path string, f doc.Format) *doc.Document {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	d, err := readers[f](context.Background(), path, b)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return d
}

func firstTable(t *testing.T, d *doc.Document) *doc.Table {
	t.Helper()
	for _, p := range d.Pages {
		for _, b := range p.Blocks {
			if b.Kind == doc.BlockTable {
				return b.Table
			}
		}
	}
	t.Fatal("no table")
	return nil
}

// TestSelfEvalSameGridEverywhere reads the one 自评表 in every format it is
// rendered to and requires the same anchor cells and the same grid. The
// .doc and .xls renderings are checked the same way in extract/legacy,
// the PDF ones in package extract.
func TestSelfEvalSameGridEverywhere(t *testing.T) {
	want := expectedTable(t)
	files := map[string]doc.Format{
		"../../testdata/src/selfeval-table.html": doc.FormatHTML,
		"selfeval-gbk.html":                      doc.FormatHTML,
		"selfeval-lo.docx":                       doc.FormatDOCX,
		"selfeval-wps.docx":                      doc.FormatDOCX,
		"selfeval.xlsx":                          doc.FormatXLSX,
	}
	for name, format := range files {
		t.Run(filepath.Base(name), func(t *testing.T) {
			path := name
			if filepath.Dir(name) == "." {
				path = filepath.Join(office, name)
			}
			d := readFile(t, path, format)
			if d.Format != format {
				t.Errorf("format %s, want %s", d.Format, format)
			}
			got := firstTable(t, d)
			if got.Rows != want.Rows || got.Cols != want.Cols {
				t.Fatalf("table %d×%d, want %d×%d", got.Rows, got.Cols, want.Rows, want.Cols)
			}
			if len(got.Cells) != len(want.Cells) {
				t.Errorf("%d anchor cells, want %d", len(got.Cells), len(want.Cells))
			}
			for i := range min(len(got.Cells), len(want.Cells)) {
				g, w := got.Cells[i], want.Cells[i]
				g.Text = strings.TrimSpace(g.Text)
				if g != w {
					t.Errorf("cell %d: got %+v, want %+v", i, g, w)
				}
			}
			if !reflect.DeepEqual(tables.Trimmed(got), tables.Trimmed(want)) {
				t.Errorf("grids differ")
			}
		})
	}
}
