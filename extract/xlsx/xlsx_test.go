package xlsx

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"zipin/extract/doc"
)

func build(t *testing.T, fill func(f *excelize.File)) []byte {
	t.Helper()
	f := excelize.NewFile()
	fill(f)
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestDisplayedValues: values read as the sheet shows them.
func TestDisplayedValues(t *testing.T) {
	data := build(t, func(f *excelize.File) {
		two, err := f.NewStyle(&excelize.Style{CustomNumFmt: ptr("0.00")})
		must(t, err)
		pct, err := f.NewStyle(&excelize.Style{CustomNumFmt: ptr("0.0%")})
		must(t, err)
		thousands, err := f.NewStyle(&excelize.Style{NumFmt: 4}) // #,##0.00
		must(t, err)
		// C3 is the top-left of the used range: row 1-2 and column A-B stay empty.
		must(t, f.SetCellStr("Sheet1", "C3", "全年预算数"))
		must(t, f.SetCellFloat("Sheet1", "D3", 13102.3, -1, 64))
		must(t, f.SetCellStyle("Sheet1", "D3", "D3", two))
		must(t, f.SetCellStr("Sheet1", "C4", "执行率"))
		must(t, f.SetCellFloat("Sheet1", "D4", 0.86, -1, 64))
		must(t, f.SetCellStyle("Sheet1", "D4", "D4", pct))
		must(t, f.SetCellStr("Sheet1", "C5", "合计"))
		must(t, f.SetCellFloat("Sheet1", "D5", 1234567.891, -1, 64))
		must(t, f.SetCellStyle("Sheet1", "D5", "D5", thousands))
		must(t, f.SetCellStr("Sheet1", "C6", "说明"))
		must(t, f.MergeCell("Sheet1", "C6", "C8"))
		must(t, f.SetCellStr("Sheet1", "D6", "甲"))
		must(t, f.SetCellStr("Sheet1", "D7", "乙"))
		// A formatted but empty cell far away does not widen the range.
		must(t, f.SetCellStyle("Sheet1", "Z99", "Z99", two))
		_, err = f.NewSheet("空表")
		must(t, err)
		_, err = f.NewSheet("第二页")
		must(t, err)
		must(t, f.SetCellStr("第二页", "A1", "备注"))
	})
	d, err := Read(context.Background(), "t.xlsx", data)
	must(t, err)
	if len(d.Pages) != 3 {
		t.Fatalf("%d pages, want one per sheet (3)", len(d.Pages))
	}
	p := d.Pages[0]
	if p.Blocks[0].Kind != doc.BlockHeading || p.Blocks[0].Text() != "Sheet1" {
		t.Errorf("first block %+v, want the sheet name as a heading", p.Blocks[0])
	}
	tb := p.Blocks[1].Table
	want := [][]string{{"全年预算数", "13102.30"}, {"执行率", "86.0%"}, {"合计", "1,234,567.89"}, {"说明", "甲"}, {"说明", "乙"}, {"说明", ""}}
	if got := tb.Grid(); !reflect.DeepEqual(got, want) {
		t.Errorf("grid %q, want %q", got, want)
	}
	// C6:C8 reaches past the last value and extends the used range.
	if c := tb.Cells[len(tb.Cells)-4]; c.RowSpan != 3 || c.ColSpan != 1 || c.Text != "说明" {
		t.Errorf("merged cell %+v", c)
	}
	if len(d.Pages[1].Blocks) != 1 || d.Pages[1].Blocks[0].Text() != "空表" {
		t.Errorf("empty sheet page %+v", d.Pages[1].Blocks)
	}
	if got := d.Pages[2].Blocks[1].Table.Grid(); !reflect.DeepEqual(got, [][]string{{"备注"}}) {
		t.Errorf("sheet 3 %q", got)
	}
}

func TestFixtureFormula(t *testing.T) {
	data, err := os.ReadFile("../../testdata/office/selfeval.xlsx")
	must(t, err)
	d, err := Read(context.Background(), "selfeval.xlsx", data)
	must(t, err)
	g := d.Pages[0].Blocks[1].Table.Grid()
	// F4 holds =SUM(F5:F6) with a numeric cached value and a 0.00 format.
	if g[3][5] != "438.20" || g[3][7] != "94.1%" || g[3][3] != "420.00" {
		t.Errorf("row 4: %q", g[3])
	}
}

func ptr[T any](v T) *T { return &v }

// EmptyRows writes an XLSX whose sheet holds the given cells in row 1 and
// then n empty <row> elements: small zipped, large inflated.
func EmptyRows(tb testing.TB, n int, firstRow string) []byte {
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	put := func(name, s string) {
		w, err := z.Create(name)
		if err != nil {
			tb.Fatal(err)
		}
		w.Write([]byte(s))
	}
	put("[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`)
	put("_rels/.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`)
	put("xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`)
	put("xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`)
	w, err := z.Create("xl/worksheets/sheet1.xml")
	if err != nil {
		tb.Fatal(err)
	}
	fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">%s</row>`, firstRow)
	for i := 2; i <= n+1; i++ {
		fmt.Fprintf(w, `<row r="%d"/>`, i)
	}
	w.Write([]byte(`</sheetData></worksheet>`))
	z.Close()
	return buf.Bytes()
}

func TestMillionEmptyRows(t *testing.T) {
	data := EmptyRows(t, 1_000_000, `<c r="A1" t="inlineStr"><is><t>表头</t></is></c>`)
	d, err := Read(context.Background(), "t.xlsx", data)
	must(t, err)
	if g := d.Pages[0].Blocks[1].Table.Grid(); !reflect.DeepEqual(g, [][]string{{"表头"}}) {
		t.Errorf("grid %q: trailing empty rows must be trimmed", g)
	}
	_, err = Read(context.Background(), "t.xlsx", EmptyRows(t, 1_000_000, ""))
	var u *doc.Unreadable
	if !errors.As(err, &u) || !strings.Contains(u.Error(), "no cell values") {
		t.Errorf("all-empty sheet: %v", err)
	}
}

func TestRowCap(t *testing.T) {
	var row strings.Builder
	row.WriteString(`<c r="A1"><v>1</v></c>`)
	data := EmptyRows(t, 10, row.String())
	lim := DefaultLimits
	lim.MaxRows = 0
	_, err := ReadLimits(context.Background(), "t.xlsx", data, lim)
	var u *doc.Unreadable
	if !errors.As(err, &u) || !strings.Contains(u.Error(), "non-empty rows") {
		t.Errorf("row cap: %v", err)
	}
}
